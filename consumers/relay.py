"""The relay: every event of the store's notification log, published to Kafka in log order.

It keeps its own position in the event store's database (``projection_tracking``, row
``relay:<topic>``), reads the log after it in batches (the next one while the broker
acknowledges the one before), sends each event keyed by its account (so one account's
events share a partition and stay in version order), waits
until the broker has acknowledged every send of the batch, and only then moves the
position, by compare-and-set, in a transaction of its own. A crash anywhere before that
commit re-sends the batch: delivery is at least once, and consumers de-duplicate on
(account id, version). Positions are notification ids, which have gaps; the relay only
ever moves to the last id it read, so it cannot skip one.

Any Kafka error discards the producer (an idempotent producer whose broker forgot its
producer id never recovers), waits with exponential back-off, and starts again from the
stored position with a new producer, after making sure the topic exists. See docs/kafka.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import Notification
from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.partitioner.default import murmur2

from infra.kafka_clients import KafkaSettings, ensure_topics, new_admin, new_producer
from ledger.account_numbers import AccountNumbers
from ledger.application import LedgerApplication
from ledger.event_messages import EventMessage
from ledger.projections import tracking
from ledger.stored_messages import stored_message

log = logging.getLogger(__name__)

TRACKING_PREFIX = tracking.RELAY_PREFIX
TRACKING_NAME_LENGTH = 64  # projection_tracking.projection is a String(64)
PICKS_KEPT = 100_000  # accounts whose partition is remembered

# Called after each acknowledged batch with (position before, position after, events sent).
Advanced = Callable[[int, int, int], None]


@dataclass(frozen=True)
class RelayOptions:
    """``partitions`` applies only when the relay creates the topic; a larger ``batch_size``
    means fewer acknowledgement waits but more events re-sent after a crash. Seconds:
    ``idle_interval`` between looks at a caught-up log, back-off from ``backoff_initial``
    doubling up to ``backoff_max`` after failures."""

    topic: str = "collections.events.v1"
    partitions: int = 8
    batch_size: int = 500
    idle_interval: float = 0.2
    backoff_initial: float = 0.1
    backoff_max: float = 5.0


@dataclass(frozen=True)
class Batch:
    """Encoded messages of the log after position ``after``, up to position ``last``."""

    after: int
    last: int
    messages: list[EventMessage]


@dataclass
class RelayStats:
    batches: int = 0
    published: int = 0
    failures: int = 0
    connections: int = 0


def tracking_name(topic: str) -> str:
    name = f"{TRACKING_PREFIX}{topic}"
    if len(name) > TRACKING_NAME_LENGTH:
        raise ValueError(f"topic name too long for the relay's position row: {topic!r}")
    return name


class Relay:
    """One relay per event store and topic; ``on_advance`` lets tests watch every move."""

    def __init__(
        self,
        app: LedgerApplication,
        kafka: KafkaSettings,
        options: RelayOptions | None = None,
        on_advance: Advanced | None = None,
    ) -> None:
        self.app = app
        self.kafka = kafka
        self.options = options or RelayOptions()
        self.name = tracking_name(self.options.topic)
        self.on_advance = on_advance
        self.stats = RelayStats()
        self.numbers = AccountNumbers(app)
        self.producer: KafkaProducer | None = None
        self._partitions: list[int] = []
        self._picked: dict[bytes, int] = {}
        self._ahead_from: int | None = None
        self._ahead: Batch | None = None
        """The batch read while the broker acknowledged the one before: used only if the
        position is still where that one ended (an empty read is never kept, so events
        stored meanwhile are seen on the next look)."""
        self.setup()

    def setup(self) -> None:
        with self.app.datastore.transaction(commit=True) as session:
            tracking.ensure(session, self.name)

    def connect(self) -> None:
        """Open the producer (and make sure of the topic) now rather than on the first
        batch: what a caller timing the relay's throughput leaves out, as a bare producer
        is made before its clock starts."""
        self._connected()

    def position(self) -> int:
        """The last notification id the broker has acknowledged (0: none yet)."""
        with self.app.datastore.transaction(commit=False) as session:
            return tracking.position(session, self.name)

    def publish_batch(self) -> int:
        """Publish the next batch after the stored position; return its size (0: caught up).

        Raises `KafkaError` (the producer is then already discarded) if any send fails.
        """
        start = self.position()
        batch, self._ahead = self._ahead, None
        if batch is None or batch.after != start:
            batch = self._read(start)
        if batch is None:
            return 0
        last, count = batch.last, len(batch.messages)
        self._ahead_from = last
        self._send_all(batch.messages)
        try:
            with self.app.datastore.transaction(commit=True) as session:
                tracking.advance(session, self.name, start, last)
        except tracking.TrackingConflict as conflict:
            log.warning("another relay moved the position first", extra={
                "relay": self.name, "detail": str(conflict)})
            return count
        self.stats.batches += 1
        self.stats.published += count
        log.info("relay published a batch", extra={
            "relay": self.name, "topic": self.options.topic, "events": count,
            "from_position": start, "to_position": last})
        if self.on_advance is not None:
            self.on_advance(start, last, count)
        return count

    def _read_ahead(self) -> None:
        """Read the batch after the one being sent (`publish_batch` says where it ends)."""
        after, self._ahead_from = self._ahead_from, None
        if after is not None:
            self._ahead = self._read(after)

    def _read(self, after: int) -> Batch | None:
        """The next batch of the log after position ``after``, encoded; None: caught up.
        Encoded before the first send: interleaving them measured slower (bench/relay.py)."""
        notifications = self.app.notifications_after(after, self.options.batch_size)
        if not notifications:
            return None
        return Batch(after, int(notifications[-1].id), self._messages(notifications))

    def _messages(self, notifications: Sequence[Notification]) -> list[EventMessage]:
        """What the topic gets of a batch of the log: here every event; a relay to another
        topic picks its own (`consumers.notices_relay`)."""
        return [self._message(n) for n in notifications]

    def catch_up(self) -> int:
        """Publish until the log is exhausted; errors propagate (``colledger relay --once``)."""
        total = 0
        try:
            while published := self.publish_batch():
                total += published
        finally:
            self.close()
        return total

    def run(self, stop: threading.Event) -> None:
        """Follow the log until ``stop`` is set, surviving broker outages."""
        backoff = self.options.backoff_initial
        try:
            while not stop.is_set():
                try:
                    published = self.publish_batch()
                except Exception as error:  # noqa: BLE001 - a relay must outlive any bad moment
                    self.stats.failures += 1
                    self._disconnect()
                    log.warning("relay failed; retrying from its stored position", extra={
                        "relay": self.name, "error": repr(error), "retry_in_s": backoff,
                        "kafka_error": isinstance(error, KafkaError)},
                        exc_info=not isinstance(error, KafkaError))
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self.options.backoff_max)
                    continue
                backoff = self.options.backoff_initial
                if not published:
                    stop.wait(self.options.idle_interval)
        finally:
            self.close()

    def start_background(self) -> Callable[[], None]:
        """Follow in a daemon thread (the embedded server); returns a stop function."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="relay", daemon=True)
        thread.start()

        def stop_relaying() -> None:
            stop.set()
            thread.join(timeout=10)

        return stop_relaying

    def close(self) -> None:
        """Let acknowledged-or-failed sends finish, then release the producer."""
        if self.producer is not None:
            producer, self.producer = self.producer, None
            try:
                producer.close(timeout=5)
            except Exception:  # noqa: BLE001 - closing must not hide why we stopped
                log.warning("relay producer did not close cleanly", exc_info=True)

    # ----------------------------------------------------------------------------------

    def _message(self, notification: Notification) -> EventMessage:
        """Made from the stored row (`ledger.stored_messages`): the bytes `event_message`
        makes of the decoded event, without decoding it."""
        return stored_message(self.app.mapper, notification, int(notification.id),
                              self.numbers.number)

    def _send_all(self, messages: Sequence[EventMessage]) -> None:
        """Send, read the next batch while the broker acknowledges, then wait for every ack."""
        producer = self._connected()
        try:
            partition_of = self._partitioner(producer)
            futures = [
                producer.send(self.options.topic, key=m.key, value=m.value, headers=m.headers,
                              partition=partition_of(m.key))
                for m in messages
            ]
            self._read_ahead()
            producer.flush(timeout=self._ack_timeout())
            for future in futures:
                future.get(timeout=self._ack_timeout())
        except BaseException:
            self._disconnect()
            raise

    def _partitioner(self, producer: KafkaProducer) -> Callable[[bytes], int]:
        """The partition kafka-python's default partitioner picks for a key (murmur2 of the
        key over the topic's partitions, as Java clients do), remembered per account: one
        account's events come in runs, and hashing each key again was a tenth of a send.
        The topic's partitions are asked once a batch; should they change, so do the picks."""
        partitions = sorted(producer.partitions_for(self.options.topic) or ())
        if not partitions:
            raise KafkaError(f"no partitions known for {self.options.topic!r}")
        if partitions != self._partitions:
            self._partitions, self._picked = partitions, {}
        picked = self._picked

        def partition_of(key: bytes) -> int:
            partition = picked.get(key)
            if partition is None:
                if len(picked) >= PICKS_KEPT:
                    picked.clear()
                index = (murmur2(key) & 0x7FFFFFFF) % len(partitions)
                partition = picked[key] = partitions[index]
            return partition

        return partition_of

    def _connected(self) -> KafkaProducer:
        if self.producer is None:
            admin = new_admin(self.kafka)
            try:
                created = ensure_topics(admin, [self.options.topic], self.options.partitions)
            finally:
                admin.close()
            if created:
                log.info("relay created its topic", extra={
                    "topic": self.options.topic, "partitions": self.options.partitions})
            # Never let a send auto-create the topic with the broker's partition count.
            self.producer = new_producer(
                self.kafka,
                allow_auto_create_topics=False,
                max_block_ms=self.kafka.request_timeout_ms,
            )
            self.stats.connections += 1
            log.info("relay connected", extra={
                "relay": self.name, "bootstrap": self.kafka.bootstrap,
                "connections": self.stats.connections})
        return self.producer

    def _disconnect(self) -> None:
        """Drop the producer at once: unsent records are re-sent from the stored position."""
        if self.producer is not None:
            producer, self.producer = self.producer, None
            try:
                producer.close(timeout=0)
            except Exception:  # noqa: BLE001
                log.debug("discarded producer did not close cleanly", exc_info=True)

    def _ack_timeout(self) -> float:
        """Longer than the producer's own delivery timeout, which fails sends first."""
        return self.kafka.delivery_timeout_ms / 1000 + 5
