"""The inbound feeds against a real broker: mixed batches in, exactly the valid ones stored.

Each test has its own topic (and ``<topic>.dlq``) and consumer group on the session's
broker; the ledger is a SQLite file, so a ``colledger consume`` process can share it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from sqlalchemy.exc import OperationalError

from consumers.bank_payments import BANK_PAYMENTS
from consumers.dead_letters import dead_letter_topic
from consumers.erp_invoices import ERP_INVOICES
from consumers.feed import FeedConsumer, FeedOptions, FeedStats, FeedStopped
from consumers.feed_messages import Feed
from infra.kafka_clients import KafkaSettings, new_admin, new_consumer, new_producer
from ledger.commands.base import Actor, Command, CommandResult
from ledger.service import LedgerService
from tests.builders import make_service
from tests.integration.relay_checks import wait_until
from tests.support.librdkafka_client import LibrdkafkaClient
from tests.support.reliability import RecordFigures
from tests.unit.given import an_account, an_invoice

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
TopicFactory = Callable[..., str]


@dataclass(frozen=True)
class Sent:
    """Where a produced message landed."""

    partition: int
    offset: int


@dataclass
class FeedWorld:
    service: LedgerService
    database_url: str
    kafka: KafkaSettings
    topic: str
    group: str

    def produce(self, *messages: tuple[str, bytes]) -> list[Sent]:
        """``(key, value)`` pairs, in order; returns where each landed."""
        producer = new_producer(self.kafka)
        try:
            futures = [producer.send(self.topic, key=key.encode(), value=value)
                       for key, value in messages]
            return [Sent(m.partition, m.offset) for m in (f.get(timeout=30) for f in futures)]
        finally:
            producer.close()

    def consume(self, feed: Feed, service: LedgerService | None = None, **limits: Any
                ) -> FeedStats:
        options = FeedOptions(topic=self.topic, group=self.group, retry_pause=0.05, **limits)
        return FeedConsumer(service or self.service, self.kafka, feed, options).run()

    def dead_letters(self, expected: int) -> list[ConsumerRecord]:
        """Every message of the dead-letter topic (checked against its high-water mark)."""
        consumer = new_consumer(self.kafka, group_id=None)
        partition = TopicPartition(dead_letter_topic(self.topic), 0)
        consumer.assign([partition])
        consumer.seek_to_beginning()
        records: list[ConsumerRecord] = []

        def read_all() -> bool:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
            highwater = consumer.highwater(partition)
            return highwater is not None and consumer.position(partition) >= highwater
        try:
            wait_until(read_all, f"the dead letters of {self.topic} were read")
        finally:
            consumer.close()
        assert len(records) == expected, [r.value for r in records]
        return records

    def events(self, account: str) -> list[str]:
        return [event["type"] for event in self.service.history(account)]


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A SQLite file unless the test asks for PostgreSQL (a fresh database of its own)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        factory: Any = request.getfixturevalue("postgres_database_factory")
        return str(factory())
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def world(
    database_url: str, kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory
) -> Iterator[FeedWorld]:
    service, clock = make_service(database_url)
    clock.set_day(date(2026, 3, 1))
    topic = kafka_topic_factory(partitions=3)
    yield FeedWorld(service, database_url, kafka_settings, topic, f"test-feed-{uuid4().hex[:8]}")
    admin = new_admin(kafka_settings)
    try:
        admin.delete_topics([dead_letter_topic(topic)])
    except Exception as error:  # cleanup must not mask the test's outcome
        print(f"[kafka] could not delete {dead_letter_topic(topic)}: {error!r}")
    finally:
        admin.close()


def message(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def invoice(invoice_id: str, account: str = "ACC-F1", amount: Any = "100.00",
            currency: str = "EUR") -> tuple[str, bytes]:
    return account, message(invoice_id=invoice_id, account=account, amount=amount,
                            currency=currency, issue_date="2026-02-01")


def payment(transaction_id: str, amount: Any, account: str = "ACC-B1", currency: str = "EUR",
            **more: Any) -> tuple[str, bytes]:
    return account, message(transaction_id=transaction_id, account=account, amount=amount,
                            currency=currency, received_on="2026-02-20", **more)


def error_types(letters: list[ConsumerRecord]) -> dict[bytes, str]:
    return {letter.value: dict(letter.headers)["error-type"].decode() for letter in letters}


def assert_points_back(letters: list[ConsumerRecord], topic: str, sent: dict[bytes, Sent]
                       ) -> None:
    for letter in letters:
        headers = dict(letter.headers)
        origin = sent[letter.value]
        assert headers["original-topic"] == topic.encode()
        assert headers["original-partition"] == str(origin.partition).encode()
        assert headers["original-offset"] == str(origin.offset).encode()
        assert headers["error-message"]


@pytest.mark.parametrize(
    "database_url",
    [pytest.param("sqlite", id="sqlite"),
     pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_erp_feed_stores_the_valid_invoices_once_and_dead_letters_each_bad_one(
    world: FeedWorld, record_figures: RecordFigures
) -> None:
    an_account(world.service, "ACC-F1", currency="EUR")
    an_account(world.service, "ACC-F2", currency="EUR")
    valid, other, late = invoice("INV-1"), invoice("INV-2", "ACC-F2", "250.00"), invoice("INV-6")
    bad = {
        invoice("INV-1", amount="999.00"): "idempotency-conflict",
        ("ACC-F1", b'{"invoice_id": "INV-9", '): "malformed-json",
        ("ACC-F1", b'{"invoice_id": "INV-3", "account": "ACC-F1", "amount": 100.5, '
                   b'"currency": "EUR", "issue_date": "2026-02-01"}'): "invalid-message",
        invoice("INV-4", currency="EUX"): "unknown-currency",
        invoice("INV-5", account="ACC-NOPE"): "account-not-found",
    }
    batch = [valid, other, valid, *bad, late]
    sent = dict(zip((value for _, value in batch), world.produce(*batch), strict=False))

    stats = world.consume(ERP_INVOICES, max_messages=len(batch))

    record_figures({"feed messages sent": len(batch), "feed messages stored": stats.stored,
                    "redeliveries recognised": stats.already_stored,
                    "feed messages dead-lettered": stats.dead_lettered})
    assert (stats.stored, stats.already_stored, stats.dead_lettered) == (3, 1, 5)
    f1, f2 = world.service.account("ACC-F1"), world.service.account("ACC-F2")
    assert {i: v.outstanding for i, v in f1.invoices.items()} == {
        "INV-1": Decimal("100.00"), "INV-6": Decimal("100.00")}
    assert {i: v.outstanding for i, v in f2.invoices.items()} == {"INV-2": Decimal("250.00")}
    assert world.events("ACC-F1").count("InvoiceIssued") == 2
    assert sent[late[1]].partition == sent[b'{"invoice_id": "INV-9", '].partition
    assert sent[late[1]].offset > sent[b'{"invoice_id": "INV-9", '].offset  # after the poison
    letters = world.dead_letters(expected=5)
    assert error_types(letters) == {value: kind for (_, value), kind in bad.items()}
    assert_points_back(letters, world.topic, sent)
    assert all(letter.key == b"ACC-F1" or letter.key == b"ACC-NOPE" for letter in letters)

    again = world.consume(ERP_INVOICES, until_idle=1.0)

    assert again.messages == 0
    assert world.events("ACC-F1").count("InvoiceIssued") == 2
    world.dead_letters(expected=5)


def test_bank_feed_stores_the_valid_payments_once_and_a_new_process_resumes_after_them(
    world: FeedWorld, kafka_bootstrap: str, record_figures: RecordFigures
) -> None:
    an_account(world.service, "ACC-B1", currency="EUR")
    an_invoice(world.service, "INV-B1", "100.00", currency="EUR", account="ACC-B1")
    an_invoice(world.service, "INV-B2", "200.00", currency="USD", account="ACC-B1")
    first = payment("TX-1", "60.00", invoice_id="INV-B1")
    bad = {
        payment("TX-1", "70.00", invoice_id="INV-B1"): "idempotency-conflict",
        ("ACC-B1", b"not json at all"): "malformed-json",
        payment("TX-3", 10): "invalid-message",
        payment("TX-4", "20.00", invoice_id="INV-B2"): "currency-mismatch",
        payment("TX-5", "20.00", account="ACC-NOPE"): "account-not-found",
    }
    batch = [first, payment("TX-2", "30.00"), first, *bad, payment("TX-6", "5.00")]
    sent = dict(zip((value for _, value in batch), world.produce(*batch), strict=False))

    stats = world.consume(BANK_PAYMENTS, max_messages=len(batch))

    record_figures({"feed messages sent": len(batch), "feed messages stored": stats.stored,
                    "redeliveries recognised": stats.already_stored,
                    "feed messages dead-lettered": stats.dead_lettered})
    assert (stats.stored, stats.already_stored, stats.dead_lettered) == (3, 1, 5)
    account = world.service.account("ACC-B1")
    assert sorted(account.payments) == ["TX-1", "TX-2", "TX-6"]
    assert account.invoices["INV-B1"].outstanding == Decimal("5.00")
    assert account.invoices["INV-B2"].outstanding == Decimal("200.00")
    letters = world.dead_letters(expected=5)
    assert error_types(letters) == {value: kind for (_, value), kind in bad.items()}
    assert_points_back(letters, world.topic, sent)

    world.produce(payment("TX-7", "5.00"))
    process = start_consume(world, kafka_bootstrap, "bank-payments")
    try:
        wait_until(lambda: "TX-7" in world.service.account("ACC-B1").payments,
                   "the new process stored TX-7")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "bank-payments: 1 stored, 0 already stored, 0 dead-lettered" in output
    assert world.service.account("ACC-B1").invoices["INV-B1"].outstanding == Decimal("0.00")
    world.dead_letters(expected=5)


def start_consume(world: FeedWorld, bootstrap: str, feed: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "COLLEDGER_DATABASE_URL": world.database_url,
        "COLLEDGER_KAFKA_BOOTSTRAP": bootstrap,
        "COLLEDGER_BANK_PAYMENTS_TOPIC": world.topic,
        "COLLEDGER_ERP_INVOICES_TOPIC": world.topic,
        "COLLEDGER_KAFKA_SESSION_TIMEOUT_MS": str(world.kafka.session_timeout_ms),
        "COLLEDGER_KAFKA_HEARTBEAT_INTERVAL_MS": str(world.kafka.heartbeat_interval_ms),
    }
    command = [sys.executable, "-m", "colledger.main", "consume", feed, "--group", world.group]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


class UnreachableStore(LedgerService):
    """The ledger whose database is down for the first ``outages`` commands."""

    def __init__(self, service: LedgerService, outages: int) -> None:
        super().__init__(service.app, service.policies, service.clock, service.read_models)
        self.outages = outages

    def execute(self, command: Command, actor: Actor) -> CommandResult:
        if self.outages > 0:
            self.outages -= 1
            raise OperationalError("INSERT ...", {}, ConnectionRefusedError("database is down"))
        return super().execute(command, actor)


def test_a_database_outage_is_retried_not_dead_lettered(
    world: FeedWorld, record_figures: RecordFigures
) -> None:
    an_account(world.service, "ACC-F1", currency="EUR")
    world.produce(invoice("INV-1"), invoice("INV-2"))

    stats = world.consume(ERP_INVOICES, UnreachableStore(world.service, outages=2),
                          max_messages=2, max_retries=2)

    record_figures({"store outages retried": stats.retries,
                    "feed messages dead-lettered for an outage": stats.dead_lettered})
    assert (stats.stored, stats.dead_lettered, stats.retries) == (2, 0, 2)
    assert sorted(world.service.account("ACC-F1").invoices) == ["INV-1", "INV-2"]


def test_a_feed_that_gives_up_commits_nothing_it_did_not_store(world: FeedWorld) -> None:
    an_account(world.service, "ACC-F1", currency="EUR")
    world.produce(invoice("INV-1"))
    down = UnreachableStore(world.service, outages=10)
    consumer = FeedConsumer(down, world.kafka, ERP_INVOICES,
                            FeedOptions(topic=world.topic, group=world.group, max_retries=0))

    with pytest.raises(FeedStopped):
        consumer.run()

    assert consumer.stats.dead_lettered == 0
    assert world.consume(ERP_INVOICES, max_messages=1).stored == 1
    world.dead_letters(expected=0)


def test_the_erp_feed_stores_an_invoice_that_librdkafka_produced(
    world: FeedWorld, librdkafka: LibrdkafkaClient
) -> None:
    """ERPs publish with their own clients (most are librdkafka), not with kafka-python."""
    an_account(world.service, "ACC-F1", currency="EUR")
    key, value = invoice("INV-1")
    librdkafka.produce(world.topic, key.encode(), value)

    assert world.consume(ERP_INVOICES, max_messages=1).stored == 1
    assert world.events("ACC-F1").count("InvoiceIssued") == 1
    assert sorted(world.service.account("ACC-F1").invoices) == ["INV-1"]


def test_bank_feed_sends_payments_without_an_account_through_cash_application(
    world: FeedWorld,
) -> None:
    an_account(world.service, "ACC-C1", currency="EUR")
    an_invoice(world.service, "INV-C1", "100.00", currency="EUR", account="ACC-C1")
    an_invoice(world.service, "INV-C2", "250.00", currency="EUR", account="ACC-C1")

    def receipt(transaction_id: str, amount: str, **more: Any) -> tuple[str, bytes]:
        return "bank", message(transaction_id=transaction_id, amount=amount, currency="EUR",
                               received_on="2026-02-20", **more)

    named = receipt("TX-R1", "100.00", remittance="payment of inv c1, thank you",
                    payer_name="Debtor ACC-C1", payer_account="DE89 3704 0044 0532 0130 00")
    unknown = receipt("TX-R2", "42.00", remittance="?", payer_name="Somebody Else")
    bad = receipt("TX-R3", "42.001")
    world.produce(named, unknown, named, bad)
    stats = world.consume(BANK_PAYMENTS, max_messages=4)

    assert (stats.stored, stats.already_stored, stats.dead_lettered) == (2, 1, 1)
    assert world.service.account("ACC-C1").invoices["INV-C1"].outstanding == Decimal("0.00")
    assert error_types(world.dead_letters(expected=1)) == {bad[1]: "invalid-message"}
    models = world.service.read_models
    models.catch_up()
    queue = models.receipts(date(2026, 3, 1), "unidentified")
    assert [(r.bank_reference, r.amount) for r in queue] == [("TX-R2", Decimal("42.00"))]
    matched = models.receipts(date(2026, 3, 1), "matched")
    assert [(r.rule, r.splits[0].account) for r in matched] == [("invoice_reference", "ACC-C1")]
