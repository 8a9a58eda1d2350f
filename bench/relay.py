"""How fast events travel store → Kafka (the relay) and Kafka → read models (a projection
worker), beside kafka-python's own produce and consume rates for the same messages.

Run ``python -m bench.relay`` (``--help`` lists the sizes). A SQLite event store in a temp
directory is filled with the demo portfolio scaled to about ``--events`` (set-up, not
timed); then, in the same run, against one broker (Tansu started for the run, or
``--bootstrap`` / ``$KAFKA_BOOTSTRAP``):

- **relay**: ``Relay.catch_up()`` publishes the whole log (read, decode, envelope, send,
  wait for every acknowledgement, record the position per batch);
- **kafka-python produce**: the very same encoded messages (keys, values, headers), built
  beforehand, sent by a bare producer with the relay's configuration (idempotent,
  ``acks=all``) and flushed once at the end;
- **projection worker**: ``run_worker`` (what ``colledger project --from-kafka`` runs)
  builds every read model from the relay's topic into a SQLite file of its own, alone in
  its consumer group, until caught up;
- **kafka-python consume**: a bare group consumer reads the same messages and does
  nothing with them.

A last line gives the rate of reading, decoding and encoding the log without a broker
(timed while building the bare producer's messages): the relay's ceiling on this machine.

Both consuming runs pay one consumer-group join (the bench uses the tests' short group
timeouts, so about a second on Tansu). See bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from eventsourcing.domain import DomainEvent

from bench import demo_store
from bench.append import count, say
from bench.measurements import close
from consumers.projection_worker import WorkerOptions, run_worker
from consumers.relay import Relay, RelayOptions
from infra.bootstrap import bootstrap
from infra.kafka_clients import KafkaSettings, ensure_topics, new_admin, new_consumer, new_producer
from infra.settings import Settings
from ledger.account_numbers import AccountNumbers
from ledger.event_messages import EventMessage, event_message
from ledger.service import LedgerService
from tests.support.kafka_broker import TansuBroker

COLUMNS = ("path", "system", "events", "MB", "seconds", "events/s", "ratio")
STORE_TO_BROKER = "store → broker"
BROKER_TO_MODELS = "broker → read models"
# (session timeout, heartbeat) ms: a group join waits on the session timeout.
TANSU_GROUP_TIMEOUTS = (2_000, 500)
EXTERNAL_GROUP_TIMEOUTS = (6_000, 1_000)


@dataclass(frozen=True)
class Row:
    path: str
    system: str
    events: int
    megabytes: float
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.relay", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=count, default=20_000, help="events in the store")
    parser.add_argument("--months", type=count, default=12, help="demo history per account")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--batch-size", type=count, default=500, help="relay and worker batch")
    parser.add_argument("--partitions", type=count, default=8, help="partitions of both topics")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP"),
                        help="an existing broker (default: $KAFKA_BOOTSTRAP, else a new Tansu)")
    return parser.parse_args(argv)


@contextmanager
def broker(address: str | None) -> Iterator[KafkaSettings]:
    if address:
        yield kafka_settings(address, EXTERNAL_GROUP_TIMEOUTS)
        return
    with TansuBroker() as tansu:
        yield kafka_settings(tansu.bootstrap, TANSU_GROUP_TIMEOUTS)


def kafka_settings(bootstrap_address: str, group_timeouts: tuple[int, int]) -> KafkaSettings:
    session_timeout_ms, heartbeat_interval_ms = group_timeouts
    return KafkaSettings(bootstrap=bootstrap_address, client_id="colledger-bench",
                         session_timeout_ms=session_timeout_ms,
                         heartbeat_interval_ms=heartbeat_interval_ms)


def fill(service: LedgerService, args: argparse.Namespace) -> None:
    per_account = demo_store.events_per_account(args.months, args.seed, args.end)
    accounts = demo_store.accounts_for(args.events, per_account)
    say(f"generating {accounts:,} demo accounts ({per_account:.1f} events each)")
    portfolio = demo_store.Portfolio(accounts, args.months, args.seed, args.end)
    generated = demo_store.generate(service, portfolio, lambda _: None)
    say(f"  {generated.events:,} events in {generated.seconds:.1f}s (not timed)")


def stored_messages(service: LedgerService) -> list[EventMessage]:
    """The log as the relay will publish it, encoded up front for the bare producer."""
    app = service.app
    numbers = AccountNumbers(app)
    messages = []
    for notification in app.recorder.select_notifications(start=1, limit=10_000_000):
        event = cast(DomainEvent, app.mapper.to_domain_event(notification))
        messages.append(event_message(event, notification.id, account_number=numbers(event)))
    return messages


def megabytes(messages: Sequence[EventMessage]) -> float:
    return sum(len(m.key) + len(m.value) for m in messages) / 1e6


def time_relay(service: LedgerService, kafka: KafkaSettings, args: argparse.Namespace,
               topic: str, size: float) -> Row:
    relay = Relay(service.app, kafka,
                  RelayOptions(topic=topic, partitions=args.partitions, batch_size=args.batch_size))
    relay.connect()  # as `time_produce` makes its producer before its clock starts
    started = time.perf_counter()
    published = relay.catch_up()
    return Row(STORE_TO_BROKER, "relay", published, size, time.perf_counter() - started)


def time_produce(kafka: KafkaSettings, messages: Sequence[EventMessage], topic: str,
                 size: float) -> Row:
    producer = new_producer(kafka)
    try:
        started = time.perf_counter()
        for m in messages:
            producer.send(topic, key=m.key, value=m.value, headers=m.headers)
        producer.flush()
        seconds = time.perf_counter() - started
    finally:
        producer.close()
    return Row(STORE_TO_BROKER, "kafka-python produce", len(messages), size, seconds)


def time_worker(models_url: str, kafka: KafkaSettings, args: argparse.Namespace, topic: str,
                size: float) -> Row:
    options = WorkerOptions(topic=topic, group=f"bench-{uuid.uuid4().hex[:8]}",
                            batch_size=args.batch_size)
    started = time.perf_counter()
    stats = run_worker(models_url, kafka, options, stop_when_caught_up=True)
    seconds = time.perf_counter() - started
    return Row(BROKER_TO_MODELS, "projection worker", stats.applied, size, seconds)


def time_consume(kafka: KafkaSettings, topic: str, expected: int, args: argparse.Namespace,
                 size: float) -> Row:
    consumer = new_consumer(kafka, topic, group_id=f"bench-{uuid.uuid4().hex[:8]}",
                            max_poll_records=args.batch_size)
    received = 0
    try:
        started = time.perf_counter()
        while received < expected:
            polled = consumer.poll(timeout_ms=200)
            received += sum(len(records) for records in polled.values())
            if polled:
                consumer.commit_async()
        seconds = time.perf_counter() - started
    finally:
        consumer.close(autocommit=False)
    return Row(BROKER_TO_MODELS, "kafka-python consume", received, size, seconds)


def render(rows: list[Row]) -> str:
    baselines = {row.path: row for row in rows if row.system.startswith("kafka-python")}

    def ratio(row: Row) -> str:
        base = baselines.get(row.path)
        if base is None or base is row or not base.rate:
            return ""
        return f"{row.rate / base.rate:.2f}"

    cells = [COLUMNS] + [
        (row.path, row.system, f"{row.events:,}", f"{row.megabytes:.1f}", f"{row.seconds:.2f}",
         f"{row.rate:,.0f}", ratio(row))
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(line, widths, strict=True)))
             for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="colledger-bench-") as directory, \
            broker(args.bootstrap) as kafka:
        url = f"sqlite:///{Path(directory) / 'ledger.db'}"
        service = bootstrap(Settings(database_url=url)).service
        try:
            fill(service, args)
            started = time.perf_counter()
            messages = stored_messages(service)
            encoding = time.perf_counter() - started
            size = megabytes(messages)
            say(f"{len(messages):,} messages, {size * 1e6 / len(messages):,.0f} bytes each "
                f"on average, {args.partitions} partitions, broker {kafka.bootstrap}")
            run_id = uuid.uuid4().hex[:8]
            relayed, bare = f"bench.relay.{run_id}", f"bench.produce.{run_id}"
            admin = new_admin(kafka)
            ensure_topics(admin, [relayed, bare], args.partitions)
            admin.close()
            rows = [
                time_relay(service, kafka, args, relayed, size),
                time_produce(kafka, messages, bare, size),
            ]
            say("store → broker done; building read models from the topic")
            models_url = f"sqlite:///{Path(directory) / 'read_models.db'}"
            rows.append(time_worker(models_url, kafka, args, relayed, size))
            rows.append(time_consume(kafka, bare, len(messages), args, size))
        finally:
            close(service.app)
    print(render(rows))
    print(f"\nreading, decoding and encoding the log alone (no broker): {encoding:.2f}s, "
          f"{len(messages) / encoding:,.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
