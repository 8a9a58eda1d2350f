"""Read models built by a group of Kafka workers equal a rebuild from the event store.

A demo portfolio is stored on PostgreSQL; every stored event is published to a fresh
4-partition topic with a plain producer (as the relay would, at least once: a slice is
published twice, like a relay restarted before it saved its position). Two
`colledger project --from-kafka` processes share the partitions in one group; one is
SIGKILLed after it has committed batches and while its partitions still have events to
come; the other takes them over, and the killed one is restarted. When every
partition's stored offset reaches the end of the topic, the workers' read-model
database holds, row for row, what a rebuild from the event store gives.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consumers.projection_worker import WorkerOptions, run_worker
from infra.kafka_clients import KafkaSettings, new_producer
from ledger.event_messages import EventMessage, event_message
from ledger.projections import kafka_tracking
from ledger.projections.read_models import ReadModels
from ledger.projections.registry import all_projections
from ledger.service import LedgerService
from tests.builders import load_demo, make_service
from tests.support.reliability import RecordFigures

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
PROJECTIONS = kafka_tracking.projection_set(p.name for p in all_projections())
DEADLINE = 60.0


def published(service: LedgerService, accounts: int = 20, months: int = 6) -> list[EventMessage]:
    """A demo portfolio loaded into the store, and every stored event as the relay sends it."""
    load_demo(service, accounts, months, seed=11)
    app = service.app
    notifications = app.recorder.select_notifications(start=1, limit=100_000)
    return [event_message(app.mapper.to_domain_event(n), n.id) for n in notifications]


def publish(producer: KafkaProducer, topic: str, messages: list[EventMessage]) -> dict[int, int]:
    """Send and wait for the acks; return the last offset written to each partition."""
    futures = [producer.send(topic, key=m.key, value=m.value, headers=m.headers)
               for m in messages]
    producer.flush()
    last: dict[int, int] = {}
    for future in futures:
        metadata = future.get(timeout=20)
        last[metadata.partition] = max(last.get(metadata.partition, -1), metadata.offset)
    return last


def until(condition: Callable[[], bool], what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs)
            raise AssertionError(f"gave up waiting for {what}\n{tails}")
        time.sleep(0.05)


class Workers:
    """`colledger project --from-kafka` processes, each logging to its own file."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.running)}.log"
        command = [sys.executable, "-m", "colledger.main", "project", "--from-kafka",
                   "--batch-size", "10"]
        with log.open("wb") as output:
            worker = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=output,
                                      stderr=subprocess.STDOUT)
        self.running.append(worker)
        return worker

    def log_of(self, worker: subprocess.Popen[bytes]) -> Path:
        return self.logs / f"worker-{self.running.index(worker)}.log"

    def joined(self, worker: subprocess.Popen[bytes]) -> bool:
        return "partitions assigned" in self.log_of(worker).read_text()

    def all_logs(self) -> list[Path]:
        return [self.log_of(w) for w in self.running]

    def stop_all(self) -> None:
        for worker in self.running:
            if worker.poll() is None:
                worker.kill()
            worker.wait(10)


def worker_id(worker: subprocess.Popen[bytes]) -> str:
    return f"{socket.gethostname()}:{worker.pid}"


@pytest.fixture
def workers(
    postgres_database_factory: Callable[[], str], kafka_settings: KafkaSettings,
    tmp_path: Path,
) -> Iterator[tuple[Workers, str]]:
    read_models_url = postgres_database_factory()
    env = {
        **os.environ,
        "COLLEDGER_DATABASE_URL": read_models_url,
        "COLLEDGER_KAFKA_BOOTSTRAP": kafka_settings.bootstrap,
        "COLLEDGER_KAFKA_CLIENT_ID": "colledger-test-projections",
        "COLLEDGER_KAFKA_SESSION_TIMEOUT_MS": str(kafka_settings.session_timeout_ms),
        "COLLEDGER_KAFKA_HEARTBEAT_INTERVAL_MS": str(kafka_settings.heartbeat_interval_ms),
    }
    group = Workers(env, tmp_path)
    yield group, read_models_url
    group.stop_all()


def stored_offsets(url: str, topic: str) -> dict[int, tuple[int, str]]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return kafka_tracking.offsets(session, PROJECTIONS, topic)
    except Exception:  # the workers have not created the table yet
        return {}
    finally:
        engine.dispose()


def rows_of(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        return rows_in(engine)
    finally:
        engine.dispose()


def rows_in(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(r) for r in connection.execute(select(table))), key=repr)
            for projection in all_projections() for table in projection.live().values()
        }


@pytest.mark.postgres
def test_two_workers_one_killed_build_the_read_models_a_rebuild_builds(
    postgres_database_url: str, kafka_settings: KafkaSettings,
    kafka_topic_factory: Callable[..., str], workers: tuple[Workers, str],
    record_figures: RecordFigures,
) -> None:
    group, read_models_url = workers
    service, _ = make_service(postgres_database_url)
    messages = published(service)
    topic = kafka_topic_factory(partitions=4)
    group.env["COLLEDGER_EVENTS_TOPIC"] = topic
    producer = new_producer(kafka_settings)
    cut = len(messages) * 2 // 5

    def offsets() -> dict[int, tuple[int, str]]:
        return stored_offsets(read_models_url, topic)

    def finishers() -> dict[int, str]:
        """The worker that applied each partition's last batch so far."""
        return {p: w for p, (o, w) in offsets().items() if o >= 0}

    victim, survivor = group.start(), group.start()
    victim_id, survivor_id = worker_id(victim), worker_id(survivor)
    until(lambda: group.joined(victim) and group.joined(survivor),
          "both workers to join the group", group.all_logs())
    first = publish(producer, topic, messages[:cut] + messages[cut - 80:cut])
    until(lambda: victim_id in finishers().values(), "the first worker to commit a batch",
          group.all_logs())
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    record_figures({"processes killed with SIGKILL": 1})
    held = {p for p, w in finishers().items() if w == victim_id}
    taken_over = publish(producer, topic, messages[cut - 30:cut + 100])

    assert set(taken_over) == {0, 1, 2, 3}, "the killed worker's partitions have more to come"
    until(lambda: all(finishers()[p] == survivor_id for p in held),
          "the other worker to take over the killed one's partitions", group.all_logs())
    restarted = group.start()
    until(lambda: group.joined(restarted), "the restarted worker to join", group.all_logs())
    rest = publish(producer, topic, messages[cut + 100:])
    producer.close()
    last = {**first, **taken_over, **rest}

    assert set(rest) == {0, 1, 2, 3}
    until(lambda: {p: o for p, (o, _) in offsets().items()} == last,
          "the workers to reach the end of every partition", group.all_logs())
    assert set(finishers().values()) == {survivor_id, worker_id(restarted)}
    for worker in (survivor, restarted):
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0

    models = ReadModels(service.app)
    models.rebuild()
    assert rows_of(read_models_url) == rows_of(postgres_database_url)


def test_a_worker_in_process_stops_once_caught_up(
    kafka_settings: KafkaSettings, kafka_topic_factory: Callable[..., str], tmp_path: Path,
    record_figures: RecordFigures,
) -> None:
    service, _ = make_service()
    messages = published(service, accounts=6, months=3)
    topic = kafka_topic_factory(partitions=4)
    producer = new_producer(kafka_settings)
    publish(producer, topic, messages + messages[:40])
    producer.close()
    read_models_url = f"sqlite:///{tmp_path / 'read_models.db'}"

    stats = run_worker(read_models_url, kafka_settings,
                       WorkerOptions(topic=topic, group=f"group-{topic}", batch_size=50),
                       stop_when_caught_up=True)

    record_figures({"messages delivered twice": 40, "duplicates skipped": stats.duplicates})
    assert (stats.applied, stats.duplicates) == (len(messages), 40)
    ReadModels(service.app).catch_up()
    assert rows_of(read_models_url) == rows_in(service.app.datastore.engine)
