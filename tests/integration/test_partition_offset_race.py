"""Two Kafka workers that both believe they own a partition apply a batch once (PostgreSQL).

During a rebalance (or after a pause longer than the session timeout) the old owner can
still be writing while the new owner starts on the same offsets. The second blocks on
the partition's offset row, then finds it moved and rolls back.
"""

from __future__ import annotations

import threading
import time

import pytest
from kafka import TopicPartition
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consumers.projection_worker import ProjectionWorker, WorkerOptions, decode
from infra.kafka_clients import KafkaSettings
from infra.migrations.runner import upgrade
from infra.migrations.schema import READ_MODELS
from ledger.event_messages import event_message
from ledger.projections import kafka_tracking
from ledger.projections.partition_batch import apply_batch
from tests.builders import make_service
from tests.integration.test_projection_crash_safety import fill

pytestmark = pytest.mark.postgres

PARTITION = TopicPartition("events", 3)


def wait_until_blocked_on_a_lock(engine: Engine) -> None:
    deadline = time.monotonic() + 30
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                 "AND datname = current_database()")
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar():
                return
        time.sleep(0.02)
    raise AssertionError("the new owner never waited on the old owner's row lock")


def test_the_second_owner_of_a_partition_blocks_then_applies_nothing(
    postgres_database_url: str,
) -> None:
    service, _ = make_service()
    fill(service, accounts=2, invoices=5)
    app = service.app
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    delivered = [decode(event_message(app.mapper.to_domain_event(n), n.id).value, offset)
                 for offset, n in enumerate(notifications)]
    engine = create_engine(postgres_database_url)
    upgrade(engine, [READ_MODELS])
    options = WorkerOptions(topic=PARTITION.topic, worker_id="old-owner")
    worker = ProjectionWorker(engine, KafkaSettings(bootstrap="127.0.0.1:9"), options)
    start = worker.stored_offset(PARTITION)
    key = worker.key(PARTITION)
    outcome: list[object] = []

    def new_owner() -> None:
        try:
            with Session(engine) as session, session.begin():
                apply_batch(session, worker.projections, worker.tables, key, start,
                            delivered, "new-owner")
        except kafka_tracking.OffsetConflict as conflict:
            outcome.append(conflict)

    with Session(engine) as session, session.begin():
        apply_batch(session, worker.projections, worker.tables, key, start, delivered[:12],
                    "old-owner")
        racing = threading.Thread(target=new_owner)
        racing.start()
        wait_until_blocked_on_a_lock(engine)
    racing.join(timeout=30)

    assert [type(o) for o in outcome] == [kafka_tracking.OffsetConflict]
    with Session(engine) as session:
        assert kafka_tracking.offsets(session, key.projections, PARTITION.topic) == {
            PARTITION.partition: (11, "old-owner")
        }
        assert kafka_tracking.applied_versions(
            session, key.projections, {d.aggregate_id for d in delivered}
        ) == {d.aggregate_id: d.version for d in delivered[:12]}
    engine.dispose()
