"""One partition's batch is applied exactly once: duplicates skipped, gaps refused, and a
stale offset (another worker got there first) rolls the whole batch back.

No broker: messages are made with `event_message` from a real store, as the relay makes
them, and applied the way a Kafka projection worker applies one polled batch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from kafka import TopicPartition
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consumers.projection_worker import ProjectionWorker, WorkerOptions, decode
from infra.kafka_clients import KafkaSettings
from infra.migrations.runner import upgrade
from infra.migrations.schema import READ_MODELS
from ledger.commands.accounts import OpenAccount
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.event_messages import event_message
from ledger.projections import kafka_tracking, tracking
from ledger.projections.partition_batch import (
    BatchOutcome,
    Delivered,
    VersionGap,
    apply_batch,
    fresh_events,
)
from ledger.projections.projection_mode import ModeConflict
from ledger.projections.runner import ProjectionRunner
from ledger.service import LedgerService
from tests.builders import SERVICE, make_service

PARTITION = TopicPartition("events", 0)


def history(service: LedgerService, accounts: int = 3, invoices: int = 4) -> list[Delivered]:
    commands: list[Any] = []
    for a in range(accounts):
        number = f"PB-{a}"
        commands.append(OpenAccount(account=number, name=f"Batch {a}", currency="EUR"))
        for n in range(invoices):
            commands.append(IssueInvoice(
                account=number, invoice_id=f"I-{n}", amount=Decimal("120.00"), currency="EUR",
                issue_date=date(2026, 3, 1 + n),
            ))
            commands.append(RecordPayment(
                account=number, payment_id=f"P-{n}", amount=Decimal("45.50"), currency="EUR",
                received_on=date(2026, 4, 1 + n),
            ))
    service.execute_batch(commands, SERVICE)
    notifications = service.app.recorder.select_notifications(start=1, limit=10_000)
    messages = [event_message(service.app.mapper.to_domain_event(n), n.id) for n in notifications]
    return [decode(m.value, offset) for offset, m in enumerate(messages)]


def worker_for(engine: Engine) -> ProjectionWorker:
    """On a database migrated as `run_worker` migrates one: the read-model branch only."""
    upgrade(engine, [READ_MODELS])
    return ProjectionWorker(engine, KafkaSettings(bootstrap="127.0.0.1:9"),
                            WorkerOptions(topic=PARTITION.topic, worker_id="test-worker"))


def apply(worker: ProjectionWorker, expected: int, batch: list[Delivered]) -> BatchOutcome:
    with Session(worker.engine) as session, session.begin():
        return apply_batch(session, worker.projections, worker.tables, worker.key(PARTITION),
                           expected, batch, worker.options.worker_id)


def rows(engine: Engine, worker: ProjectionWorker) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(r) for r in connection.execute(select(table))), key=repr)
            for tables in worker.tables.values() for table in tables.values()
        }


@pytest.fixture
def store() -> LedgerService:
    service, _ = make_service()
    return service


@pytest.fixture
def worker(tmp_path: Path) -> ProjectionWorker:
    worker = worker_for(create_engine(f"sqlite:///{tmp_path / 'read_models.db'}"))
    assert worker.stored_offset(PARTITION) == kafka_tracking.NOTHING_APPLIED
    return worker


def log_runner_rows(service: LedgerService, worker: ProjectionWorker) -> dict[str, Any]:
    ProjectionRunner(service.app, worker.projections).catch_up()
    return rows(service.app.datastore.engine, worker)


def test_redelivered_events_are_skipped_and_rows_equal_the_log_runners(
    store: LedgerService, worker: ProjectionWorker,
) -> None:
    events = history(store)
    # The relay crashed after publishing events 10..19 and published them again.
    redelivered = events[:20] + events[10:]
    stream = [replace(d, offset=offset) for offset, d in enumerate(redelivered)]

    outcomes, expected = [], kafka_tracking.NOTHING_APPLIED
    for start in range(0, len(stream), 7):
        outcome = apply(worker, expected, stream[start:start + 7])
        outcomes.append(outcome)
        expected = outcome.last_offset

    assert sum(o.applied for o in outcomes) == len(events)
    assert sum(o.duplicates for o in outcomes) == 10
    assert worker.stored_offset(PARTITION) == len(stream) - 1
    assert rows(worker.engine, worker) == log_runner_rows(store, worker)


def test_a_missing_version_stops_the_batch_and_writes_nothing(
    store: LedgerService, worker: ProjectionWorker,
) -> None:
    events = history(store, accounts=1)
    apply(worker, kafka_tracking.NOTHING_APPLIED, events[:3])
    before = rows(worker.engine, worker)

    with pytest.raises(VersionGap, match="versions 4..4 never arrived"):
        apply(worker, 2, events[4:8])

    assert worker.stored_offset(PARTITION) == 2
    assert rows(worker.engine, worker) == before


def test_a_worker_with_a_stale_offset_applies_nothing(
    store: LedgerService, worker: ProjectionWorker,
) -> None:
    events = history(store, accounts=1)
    apply(worker, kafka_tracking.NOTHING_APPLIED, events[:5])
    before = rows(worker.engine, worker)

    # A second owner of the partition still believes nothing has been applied.
    with pytest.raises(kafka_tracking.OffsetConflict):
        apply(worker, kafka_tracking.NOTHING_APPLIED, events[:8])

    assert worker.stored_offset(PARTITION) == 4
    assert rows(worker.engine, worker) == before


def test_kafka_workers_refuse_the_read_models_of_an_event_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = make_service(url)
    history(service, accounts=1, invoices=1)

    with pytest.raises(ModeConflict, match="event store"):
        worker_for(create_engine(url))


def test_kafka_workers_refuse_read_models_the_log_runner_has_moved(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'read_models.db'}")
    tracking.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(tracking.projection_tracking.insert(),
                           [{"projection": "history", "position": 12}])

    with pytest.raises(ModeConflict, match="history"):
        worker_for(engine)


def test_events_of_other_aggregates_advance_their_version_but_reach_no_projection(
    store: LedgerService,
) -> None:
    events = history(store, accounts=1, invoices=1)
    trail = [Delivered(offset=0, aggregate_id="ledger-trail", version=v, position=100 + v,
                       event=object()) for v in (1, 2, 2, 3)]

    fresh, versions = fresh_events([trail[0], *events, *trail[1:]], {})

    assert [p.event for p in fresh] == [d.event for d in events]
    assert versions == {events[0].aggregate_id: len(events), "ledger-trail": 3}
