"""The relay end to end: HTTP commands in, plain Kafka messages out.

The API runs with the relay as its background worker (as ``colledger serve`` does when
``COLLEDGER_KAFKA_BOOTSTRAP`` is set); a plain kafka-python consumer and librdkafka (a
client nobody here wrote, through confluent-kafka) read what it published.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from consumers.relay import Relay, RelayOptions
from infra.kafka_clients import KafkaSettings, new_consumer
from ledger.canonical import GENESIS_HASH
from ledger.event_schemas import committed_schema
from ledger.service import LedgerService
from tests.builders import make_ledger
from tests.integration.relay_checks import (
    assert_in_account_order,
    by_aggregate,
    read_topic,
    store_positions,
    wait_until,
)
from tests.support.librdkafka_client import LibrdkafkaClient
from tests.support.reliability import RecordFigures
from tests.unit.api_world import CALLERS, TODAY

pytestmark = pytest.mark.kafka

ACCOUNTS = ("ACC-E1", "ACC-E2", "ACC-E3")


@dataclass
class Caller:
    """Posts commands to the API as one of the roles in ``CALLERS``."""

    client: TestClient
    keys: dict[str, str]

    def post(self, path: str, body: dict[str, Any], caller: str) -> None:
        response = self.client.post(path, json=body, headers={"X-API-Key": self.keys[caller]})
        assert response.status_code < 300, response.text


@dataclass
class Served:
    service: LedgerService
    relay: Relay
    api: Caller


def api_keys(app: FastAPI) -> dict[str, str]:
    return {name: app.state.keys.create(role, actor)[1] for name, (role, actor) in CALLERS.items()}


def unique_topic(name: str) -> str:
    return f"test.relay.{name}.{uuid4().hex[:8]}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(
    request: pytest.FixtureRequest, tmp_path: Path, kafka_settings: KafkaSettings
) -> Iterator[Served]:
    """The API on a store, with a relay to a fresh 3-partition topic running beside it."""
    if request.param == "postgres":
        database_url = request.getfixturevalue("postgres_database_url")
    else:
        database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger, clock = make_ledger(database_url)
    service = ledger.service
    clock.set_day(TODAY)
    relay = Relay(service.app, kafka_settings,
                  RelayOptions(topic=unique_topic("e2e"), partitions=3, batch_size=7))
    app = create_app(ledger, follow=False, background=[relay.start_background])
    keys = api_keys(app)
    with TestClient(app) as client:
        yield Served(service, relay, Caller(client, keys))
    service.app.close()
    service.app.datastore.engine.dispose()  # so the test's PostgreSQL database can be dropped


def run_commands(world: Caller) -> None:
    """Accounts interleaved, so their events interleave in the log too."""
    for number in ACCOUNTS:
        world.post("/accounts", {
            "account": number, "name": f"Debtor {number}", "currency": "USD", "terms_days": 30,
            "timezone": "UTC", "contact": {"name": "Dana Whitfield", "email": "ap@example.com"},
        }, "service")
    for n in (1, 2):
        for number in ACCOUNTS:
            world.post(f"/accounts/{number}/invoices", {
                "invoice_id": f"INV-{n}", "amount": f"{n * 1000}.50", "currency": "USD",
                "issue_date": "2026-01-15",
            }, "service")
    for number in ACCOUNTS:
        world.post(f"/accounts/{number}/agent-assignment", {"agent_id": "agent-1"}, "manager")
        world.post(f"/accounts/{number}/payments", {
            "payment_id": "PAY-1", "amount": "800.00", "currency": "USD",
            "received_on": "2026-02-09",
            "allocations": [{"invoice_id": "INV-1", "amount": "800.00"}],
        }, "service")
        world.post(f"/accounts/{number}/promises", {
            "promise_id": "PTP-1", "amount": "200.50", "currency": "USD", "due_date": "2026-02-20",
        }, "agent")


def test_every_event_written_through_the_api_reaches_kafka_in_account_order(
    served: Served, kafka_settings: KafkaSettings, record_figures: RecordFigures
) -> None:
    run_commands(served.api)
    positions = store_positions(served.service)
    wait_until(lambda: served.relay.position() == positions[-1], "the relay caught up")

    messages = read_topic(kafka_settings, served.relay.options.topic, len(positions))

    record_figures({"events relayed": len(positions),
                    "events lost": len(set(positions) - {m.envelope["position"] for m in messages}),
                    "events duplicated": len(messages) - len({m.identity for m in messages})})
    assert len(messages) == len(positions)
    assert sorted(m.envelope["position"] for m in messages) == positions
    assert {m.partition for m in messages} <= {0, 1, 2}
    assert_in_account_order(messages)
    grants = [m.envelope["type"] for m in messages if m.envelope["account_id"] is None]
    assert grants == ["AccessGrants.Created", *["ApiKeyIssued"] * len(CALLERS)]  # the keys
    messages = [m for m in messages if m.envelope["account_id"] is not None]
    assert len(messages) == 3 * 7
    streams = by_aggregate(messages)
    assert {s[0].envelope["account_number"] for s in streams.values()} == set(ACCOUNTS)
    for stream in streams.values():
        assert stream[0].envelope["prev_hash"] == GENESIS_HASH
        for before, after in zip(stream, stream[1:], strict=False):
            assert after.envelope["prev_hash"] == before.envelope["hash"]
        assert {m.envelope["account_number"] for m in stream} == {
            stream[0].envelope["account_number"]}
    for message in messages:
        jsonschema.validate(message.envelope, committed_schema(message.envelope))
        assert message.headers["event-type"] == message.envelope["type"].encode()
        assert message.headers["event-id"] == message.envelope["event_id"].encode()
        assert message.headers["account-version"] == str(message.envelope["version"]).encode()
    types = [m.envelope["type"] for m in streams[messages[0].envelope["aggregate_id"]]]
    assert types == ["AccountOpened", "InvoiceIssued", "InvoiceIssued", "AgentAssigned",
                     "PaymentReceived", "PaymentAllocated", "PromiseToPayMade"]
    promise = next(m.envelope for m in messages if m.envelope["type"] == "PromiseToPayMade")
    assert promise["payload"]["amount"] == "200.50"
    assert promise["actor"] == {"id": "agent-1", "role": "agent"}


def test_the_relay_creates_its_topic_with_the_configured_partitions(
    served: Served, kafka_settings: KafkaSettings
) -> None:
    run_commands(served.api)
    wait_until(lambda: served.relay.position() > 0, "the relay published")
    consumer = new_consumer(kafka_settings, group_id=None)
    try:
        assert consumer.partitions_for_topic(served.relay.options.topic) == {0, 1, 2}
    finally:
        consumer.close()
    assert served.relay.stats.connections == 1


def test_librdkafka_reads_the_events_as_plain_kafka_messages(
    tmp_path: Path, kafka_settings: KafkaSettings, librdkafka: LibrdkafkaClient
) -> None:
    ledger, clock = make_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    service = ledger.service
    clock.set_day(TODAY)
    app = create_app(ledger, follow=False)
    keys = api_keys(app)
    with TestClient(app) as client:
        run_commands(Caller(client, keys))
    topic = unique_topic("librdkafka")
    relay = Relay(service.app, kafka_settings, RelayOptions(topic=topic, partitions=2))
    assert relay.catch_up() == len(store_positions(service))

    messages = librdkafka.read_all(topic)

    assert len(messages) == len(store_positions(service))
    for message in messages:
        assert message.key is not None and message.value is not None
        envelope = json.loads(message.value)
        assert message.key.decode() == envelope["aggregate_id"]
        assert envelope["account_id"] in (envelope["aggregate_id"], None)  # None: key grants
        headers = {name: value.decode() for name, value in message.headers}
        assert headers["event-type"] == envelope["type"]
        assert headers["event-id"] == envelope["event_id"]
        assert headers["content-type"] == "application/json"
    opened = [json.loads(message.value or b"") for message in messages]
    assert {e["account_number"] for e in opened if e["type"] == "AccountOpened"} == set(ACCOUNTS)
