"""The loop every inbound feed runs: message in, command stored (or dead letter), offset out.

Each message becomes one command (`consumers.feed_messages.Feed`), executed through the
ledger service as the feed's service actor. Its offset is committed only after the
command is stored, or found already stored (its id is derived from the message's
external id, so a redelivered or re-sent message writes nothing), or the message is
safely in ``<topic>.dlq``: malformed JSON, an invalid message, or a domain rule saying
no. Offsets are committed after each polled batch; a crash before that re-reads the
batch, which is harmless for commands and may repeat a dead letter.

Everything else (the database or the broker unreachable, a bug) is not the message's
fault and is not dead-lettered: what was done is committed, the consumer goes back to
the first message not done, and tries again after a pause; after ``max_retries``
consecutive failures it gives up with `FeedStopped`, offsets uncommitted, so whoever
restarts it resumes at that message.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from pydantic import ValidationError

from consumers.dead_letters import DeadLetter, dead_letter_topic, send_dead_letter
from consumers.feed_messages import INVALID_MESSAGE, Feed, Rejected
from infra.kafka_clients import KafkaSettings, ensure_topics, new_admin, new_consumer, new_producer
from ledger.aggregates.errors import ConcurrencyConflict, LedgerError
from ledger.commands.base import Command
from ledger.service import LedgerService

log = logging.getLogger(__name__)

MAX_PAUSE = 30.0  # seconds between retries, at most


@dataclass(frozen=True)
class FeedOptions:
    """``max_messages``: stop after that many messages; ``until_idle``: stop once nothing
    has arrived for that many seconds since partitions were assigned (both count
    messages stored, already stored and dead-lettered)."""

    topic: str
    group: str
    max_messages: int | None = None
    until_idle: float | None = None
    dlq_partitions: int = 1
    poll_timeout_ms: int = 200
    max_poll_records: int = 200
    max_retries: int = 5
    retry_pause: float = 1.0
    send_timeout: float = 30.0


@dataclass
class FeedStats:
    stored: int = 0
    already_stored: int = 0
    dead_lettered: int = 0
    retries: int = 0

    @property
    def messages(self) -> int:
        return self.stored + self.already_stored + self.dead_lettered


class FeedStopped(RuntimeError):
    """The feed gave up after repeated failures that were not the messages' fault."""


class FeedConsumer:
    def __init__(
        self, service: LedgerService, kafka: KafkaSettings, feed: Feed, options: FeedOptions
    ) -> None:
        self.service = service
        self.kafka = kafka
        self.feed = feed
        self.options = options
        self.stats = FeedStats()

    def run(self, stop: threading.Event | None = None) -> FeedStats:
        """Consume until ``stop`` is set or an option's limit is reached; close cleanly
        (leaving the group, so a successor gets the partitions at once)."""
        stop = stop or threading.Event()
        self.ensure_dead_letter_topic()
        consumer = new_consumer(self.kafka, self.options.topic, group_id=self.options.group,
                                max_poll_records=self.options.max_poll_records)
        producer = new_producer(self.kafka)
        failures = 0
        idle_since: float | None = None
        try:
            while not stop.is_set() and not self.reached_limit():
                polled = consumer.poll(timeout_ms=self.options.poll_timeout_ms)
                if polled:
                    idle_since = None
                elif consumer.assignment() and idle_since is None:
                    idle_since = time.monotonic()
                try:
                    self.consume(consumer, producer, polled, stop)
                    failures = 0
                except FeedFailure as failure:
                    failures += 1
                    self.recover(consumer, failure, failures)
                    if isinstance(failure.cause, KafkaError):
                        producer.close(timeout=0)  # an idempotent producer may stay broken
                        producer = new_producer(self.kafka)
                    stop.wait(min(self.options.retry_pause * 2 ** (failures - 1), MAX_PAUSE))
                if self.idle_for(idle_since):
                    break
        finally:
            producer.close(timeout=self.options.send_timeout)
            consumer.close(autocommit=False)
        return self.stats

    def ensure_dead_letter_topic(self) -> None:
        admin = new_admin(self.kafka)
        try:
            ensure_topics(admin, [dead_letter_topic(self.options.topic)],
                          self.options.dlq_partitions)
        finally:
            admin.close()

    def reached_limit(self) -> bool:
        limit = self.options.max_messages
        return limit is not None and self.stats.messages >= limit

    def idle_for(self, idle_since: float | None) -> bool:
        limit = self.options.until_idle
        return limit is not None and idle_since is not None and (
            time.monotonic() - idle_since >= limit
        )

    def consume(self, consumer: KafkaConsumer, producer: KafkaProducer,
                polled: dict[TopicPartition, list[ConsumerRecord]], stop: threading.Event
                ) -> None:
        """Handle the polled messages in order, then commit the offsets after those done."""
        done: dict[TopicPartition, int] = {}
        try:
            for partition, records in polled.items():
                for record in records:
                    if stop.is_set() or self.reached_limit():
                        return  # the rest is read again by whoever consumes next
                    try:
                        self.handle(producer, record)
                    except Exception as error:
                        raise FeedFailure(error, remaining_from(polled, done)) from error
                    done[partition] = record.offset + 1
        finally:
            commit(consumer, done)

    def handle(self, producer: KafkaProducer, record: ConsumerRecord) -> None:
        origin = f"{record.topic}/{record.partition}/{record.offset}"
        try:
            asked = self.feed.command_for(self.service, record.value, origin)
            replayed = (self.service.execute(asked, self.feed.actor).replayed
                        if isinstance(asked, Command)
                        else asked.carry_out(self.service, self.feed.actor))
        except Rejected as rejected:
            self.dead_letter(producer, record, DeadLetter(rejected.error_type, rejected.message))
            return
        except ValidationError as error:  # a command refusing what the message format let by
            self.dead_letter(producer, record, DeadLetter(INVALID_MESSAGE, str(error)))
            return
        except ConcurrencyConflict:
            raise  # the account was busy: worth trying again, not the message's fault
        except LedgerError as error:
            self.dead_letter(producer, record, DeadLetter(error.rule(), error.message))
            return
        if replayed:
            self.stats.already_stored += 1
        else:
            self.stats.stored += 1

    def dead_letter(self, producer: KafkaProducer, record: ConsumerRecord,
                    reason: DeadLetter) -> None:
        send_dead_letter(producer, record, reason, self.options.send_timeout)
        self.stats.dead_lettered += 1
        log.warning("%s: dead-lettered %s/%s/%s [%s] %s", self.feed.name, record.topic,
                    record.partition, record.offset, reason.error_type, reason.message)

    def recover(self, consumer: KafkaConsumer, failure: FeedFailure, failures: int) -> None:
        """Go back to the first message not done, or give up after too many failures."""
        if failures > self.options.max_retries:
            raise FeedStopped(
                f"{self.feed.name}: gave up after {failures} failures: {failure.cause!r}"
            ) from failure.cause
        self.stats.retries += 1
        log.error("%s: will retry (%d of %d): %r", self.feed.name, failures,
                  self.options.max_retries, failure.cause)
        rewind(consumer, failure.remaining)


class FeedFailure(Exception):
    """Handling a message failed for a reason that is not the message's fault."""

    def __init__(self, cause: Exception, remaining: dict[TopicPartition, int]) -> None:
        super().__init__(repr(cause))
        self.cause = cause
        self.remaining = remaining


def remaining_from(polled: dict[TopicPartition, list[ConsumerRecord]],
                   done: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
    """For each polled partition, the offset of its first message not done."""
    return {partition: done.get(partition, records[0].offset)
            for partition, records in polled.items() if records}


def rewind(consumer: KafkaConsumer, remaining: dict[TopicPartition, int]) -> None:
    owned = consumer.assignment()
    for partition, offset in remaining.items():
        if partition in owned:
            consumer.seek(partition, offset)


def commit(consumer: KafkaConsumer, done: dict[TopicPartition, int]) -> None:
    """Commit the offsets after the messages done; a failed commit only means they are
    read again (and answered from the command log)."""
    if not done:
        return
    offsets: dict[TopicPartition, Any] = {
        partition: OffsetAndMetadata(offset, "", -1) for partition, offset in done.items()
    }
    try:
        consumer.commit(offsets)
    except KafkaError as error:
        log.warning("offset commit failed, messages will be read again: %r", error)


def run_feed(service: LedgerService, kafka: KafkaSettings, feed: Feed, options: FeedOptions,
             stop: threading.Event | None = None) -> FeedStats:
    return FeedConsumer(service, kafka, feed, options).run(stop)
