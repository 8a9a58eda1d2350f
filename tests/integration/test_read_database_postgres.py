"""Reads scaled out: the API writes to the event store and reads a second PostgreSQL
database (``COLLEDGER_READ_MODELS_URL``), fed either by the log runner in the server
(``COLLEDGER_READ_MODELS_FED_BY=store``) or by a Kafka projection worker in a consumer group
(``kafka``). Commands go through the HTTP API; aging, the account view and a worklist come
back from the read database, read-your-writes included; the store never holds a read-model
row and the read database never an event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, inspect, select, table, text

from api.app import create_app
from consumers.projection_worker import WorkerOptions
from infra.bootstrap import Ledger, run_kafka_projections
from infra.kafka_clients import KafkaSettings
from infra.migrations.runner import current
from ledger.projections import tracking
from tests.builders import make_ledger

pytestmark = pytest.mark.postgres

TODAY = date(2026, 2, 10)


def tables_in(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def query(url: str, statement: Any) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(statement).all()
    finally:
        engine.dispose()


def migrated_branches(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {branch for branch, revision in current(connection).items() if revision}
    finally:
        engine.dispose()


@contextmanager
def served(ledger: Ledger, **options: Any) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The API as `colledger serve` runs it (lifespan included), with a manager's key."""
    app = create_app(ledger, **options)
    _, key = app.state.keys.create("manager", "manager-1")
    with TestClient(app) as client:
        yield client, {"X-API-Key": key}


def write_story(client: TestClient, key: dict[str, str]) -> int:
    """An account worked by agent-1 owing 1000.00 and paying 400.00; returns the last
    write's log position."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("/accounts", {"account": "ACC-1", "name": "Split Reads Ltd", "currency": "USD"}),
        ("/accounts/ACC-1/invoices", {"invoice_id": "INV-1", "amount": "1000.00",
                                      "currency": "USD", "issue_date": "2026-01-01"}),
        ("/accounts/ACC-1/agent-assignment", {"agent_id": "agent-1"}),
        ("/accounts/ACC-1/payments", {"payment_id": "PAY-1", "amount": "400.00",
                                      "currency": "USD", "received_on": "2026-02-05"}),
    ]
    position = 0
    for path, body in steps:
        response = client.post(path, headers=key, json=body)
        assert response.status_code in (200, 201), response.text
        position = int(response.headers["x-ledger-position"])
    return position


def read_story(client: TestClient, key: dict[str, str], position: int) -> None:
    """Aging (waiting for the position), the account view (no wait) and a worklist."""
    aging = client.get("/aging", headers=key, params={
        "as_of": TODAY.isoformat(), "by": "account", "wait_for": position})
    assert aging.status_code == 200, aging.text
    [row] = [r for r in aging.json()["rows"] if r["key"] == "ACC-1"]
    assert row["total"] == "600.00"

    view = client.get("/accounts/ACC-1", headers=key, params={"as_of": TODAY.isoformat()})
    assert view.status_code == 200, view.text
    assert view.json()["totals"]["USD"]["outstanding"] == "600.00"

    handed = client.post("/worklists/agent-1", headers=key, params={"on": TODAY.isoformat()})
    assert handed.status_code == 201, handed.text
    stored = client.get("/worklists/agent-1", headers=key, params={"on": TODAY.isoformat()})
    assert [i["account"] for i in stored.json()["items"]] == ["ACC-1"]


def read_model_rows(url: str) -> int:
    """Rows in every rm_* table of a database."""
    names = sorted(n for n in tables_in(url) if n.startswith("rm_"))
    return sum(query(url, select(func.count()).select_from(table(n)))[0][0] for n in names)


def test_the_api_writes_to_the_store_and_reads_a_read_database_its_follower_keeps(
    postgres_database_factory: Callable[[], str],
) -> None:
    store_url, read_url = postgres_database_factory(), postgres_database_factory()
    ledger, clock = make_ledger(store_url, read_models_url=read_url)
    clock.set_day(TODAY)

    with served(ledger) as (client, key):
        position = write_story(client, key)
        read_story(client, key, position)
        assert client.get("/readyz").json()["status"] == "ready"

    store, reads = tables_in(store_url), tables_in(read_url)
    assert "ledger_events" in store and "personal_data_keys" in store
    assert not {n for n in store if n.startswith("rm_")}
    assert tracking.projection_tracking.name not in store, "no read-model table at all"
    assert migrated_branches(store_url) == {"store"}
    assert "ledger_events" not in reads and "ledger_commands" not in reads
    assert migrated_branches(read_url) == {"read_models"}
    assert read_model_rows(read_url) > 0
    positions = query(read_url, select(tracking.projection_tracking.c.position))
    assert {p for (p,) in positions} == {position}, "rows and tracking in the read database"


def test_rebuild_and_a_standalone_follower_write_into_the_read_database(
    postgres_database_factory: Callable[[], str],
) -> None:
    store_url, read_url = postgres_database_factory(), postgres_database_factory()
    ledger, clock = make_ledger(store_url, read_models_url=read_url)
    clock.set_day(TODAY)
    with served(ledger, follow=False) as (client, key):
        position = write_story(client, key)
    follower, _ = make_ledger(store_url, read_models_url=read_url)
    stop = follower.read_models.start_following()
    assert stop is not None
    try:
        assert ledger.read_models.wait_for(position, timeout=10)
    finally:
        stop()
    followed = read_model_rows(read_url)

    assert ledger.read_models.rebuild() == position

    assert read_model_rows(read_url) == followed
    assert not {n for n in tables_in(store_url) if n.startswith("rm_")}
    assert ledger.read_models.aging(TODAY)[0].total == 600


@pytest.mark.kafka
def test_api_reads_what_kafka_workers_keep(
    postgres_database_factory: Callable[[], str], kafka_settings: KafkaSettings,
    kafka_topic_factory: Callable[..., str],
) -> None:
    store_url, read_url = postgres_database_factory(), postgres_database_factory()
    topic = kafka_topic_factory(partitions=4)
    ledger, clock = make_ledger(
        store_url, read_models_url=read_url, read_models_fed_by="kafka",
        kafka_bootstrap=kafka_settings.bootstrap, kafka_client_id="colledger-test-split",
        kafka_session_timeout_ms=kafka_settings.session_timeout_ms,
        kafka_heartbeat_interval_ms=kafka_settings.heartbeat_interval_ms,
        events_topic=topic, events_partitions=4,
    )
    clock.set_day(TODAY)
    stop_worker = threading.Event()
    worker = threading.Thread(target=run_kafka_projections, args=(
        ledger.settings, WorkerOptions(topic=topic, group=f"group-{topic}", batch_size=50),
        stop_worker), daemon=True)
    worker.start()
    try:
        with served(ledger, background=ledger.background()) as (client, key):
            client.app.state.wait_timeout = 30.0  # type: ignore[attr-defined]
            position = write_story(client, key)
            read_story(client, key, position)
            status = client.get("/operations/status", headers=key).json()
            assert {p["lag"] for p in status["projections"]} == {0}
    finally:
        stop_worker.set()
        worker.join(30)

    assert not worker.is_alive()
    assert "ledger_events" not in tables_in(read_url)
    assert read_model_rows(read_url) > 0
    assert read_model_rows(store_url) == 0, "the relay's position needs the branch, no rows"
    moved = query(read_url, text("SELECT projection FROM projection_tracking WHERE position > 0"))
    assert moved == [], "the API never applied the log to the Kafka-fed database"
