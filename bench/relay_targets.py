"""Target 4: the relay and a projection worker on a slice of the big store.

The first ``events`` events of the restored portfolio (whole account histories from
their opening, so a projection worker sees nothing it cannot apply) go through the
relay to a Tansu broker started for the run, beside kafka-python producing the very
same messages; then a projection worker builds read models from the relay's topic into
a database of its own on the same PostgreSQL, beside a bare consumer reading the bare
producer's topic. The timing functions are `bench.relay`'s.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import cast

from eventsourcing.domain import DomainEvent

from bench.relay import Row as RelayRow
from bench.relay import broker, megabytes, time_consume, time_produce, time_worker
from bench.target_rows import Row
from consumers.relay import Relay, RelayOptions
from infra.kafka_clients import KafkaSettings, ensure_topics, new_admin
from ledger.account_numbers import AccountNumbers
from ledger.event_messages import EventMessage, event_message
from ledger.service import LedgerService
from tests.support.postgres_server import PostgresServer

BATCH, PARTITIONS = 500, 8
Progress = Callable[[str], None]


def relay_targets(service: LedgerService, server: PostgresServer, events: int, size: str,
                  say: Progress) -> list[Row]:
    events -= events % BATCH  # whole relay batches, so both sides send the same messages
    with broker(None) as kafka:
        started = time.perf_counter()
        messages = _messages(service, events)
        encoding = time.perf_counter() - started
        mb = megabytes(messages)
        say(f"relay slice: {len(messages):,} messages, {mb:,.0f} MB, encoded alone at "
            f"{len(messages) / encoding:,.0f} events/s")
        run = uuid.uuid4().hex[:8]
        relayed, bare = f"bench.relay.{run}", f"bench.produce.{run}"
        admin = new_admin(kafka)
        ensure_topics(admin, [relayed, bare], PARTITIONS)
        admin.close()
        relay = _time_relay(service, kafka, relayed, len(messages), mb)
        produce = time_produce(kafka, messages, bare, mb)
        say(f"  relay {relay.rate:,.0f}/s, kafka-python produce {produce.rate:,.0f}/s")
        options = SimpleNamespace(batch_size=BATCH)
        models_url = server.create_database(f"worker_{run}")
        worker = time_worker(models_url, kafka, options, relayed, mb)  # type: ignore[arg-type]
        consume = time_consume(kafka, bare, len(messages), options, mb)  # type: ignore[arg-type]
        say(f"  worker {worker.rate:,.0f}/s, kafka-python consume {consume.rate:,.0f}/s")
    label = f"first {len(messages):,} events of {size}"
    return [
        _row("relay: store to broker", label, relay, produce, 0.7,
             f"reading, decoding and encoding alone: {len(messages) / encoding:,.0f} events/s"),
        _row("projection worker: broker to read models (PostgreSQL)", label, worker, consume,
             0.6, "both pay one consumer-group join"),
    ]


def _messages(service: LedgerService, events: int) -> list[EventMessage]:
    app = service.app
    numbers = AccountNumbers(app)
    messages = []
    for notification in app.recorder.select_notifications(start=1, limit=events):
        event = cast(DomainEvent, app.mapper.to_domain_event(notification))
        messages.append(event_message(event, notification.id, account_number=numbers(event)))
    return messages


def _time_relay(service: LedgerService, kafka: KafkaSettings, topic: str, events: int,
                mb: float) -> RelayRow:
    relay = Relay(service.app, kafka,
                  RelayOptions(topic=topic, partitions=PARTITIONS, batch_size=BATCH))
    published = 0
    relay.connect()  # as `time_produce` makes its producer before its clock starts
    started = time.perf_counter()
    try:
        while published < events and (sent := relay.publish_batch()):
            published += sent
    finally:
        relay.close()
    return RelayRow("store → broker", "relay", published, mb, time.perf_counter() - started)


def _row(what: str, size: str, row: RelayRow, base: RelayRow, goal: float, note: str) -> Row:
    ratio = row.rate / base.rate if base.rate else 0.0
    return Row("4", what, size, f"{row.rate:,.0f} events/s ({row.seconds:,.1f} s)",
               f"{base.system} {base.rate:,.0f} events/s", ratio, f"ratio >= {goal}",
               ratio >= goal and row.events == base.events, note)
