"""A store written by an earlier release — an invoice of 10^23, a NUL in a reference —
projected on SQLite and PostgreSQL by the follower, the rebuild and a Kafka worker.

The 10^23 invoice cannot be projected anywhere (10^25 cents fit no BIGINT): its account is
quarantined and everything else flows. The NUL is stored by SQLite as it is, and by
PostgreSQL as U+FFFD (`text_columns`), so its account projects fully; a PostgreSQL read
model built by a release without that rule had quarantined it, and rebuilding the account
lifts the quarantine.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from colledger.main import main
from consumers.projection_worker import WorkerOptions, run_worker
from infra.kafka_clients import KafkaSettings, new_producer
from ledger.event_messages import event_message
from ledger.projections import postgres_copy, quarantine, text_columns
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import make_service, table_rows
from tests.earlier_release import HUGE, NUL_REFERENCE, invoice_from_earlier_release
from tests.integration.test_kafka_projections import publish
from tests.support.reliability import RecordFigures
from tests.unit.given import an_account, an_invoice

AS_OF = date(2026, 3, 31)
QUARANTINE_LINE = "projection quarantined an account"


def earlier_release_store(service: LedgerService) -> None:
    """ACC-1: 100.00, then 10^23; ACC-2: 50.00 with a NUL in its reference; ACC-3, opened
    after both, 300.00."""
    for number in ("ACC-1", "ACC-2"):
        an_account(service, number)
    an_invoice(service, "INV-1", "100.00", account="ACC-1")
    invoice_from_earlier_release(service, "ACC-1", "INV-BIG", HUGE)
    invoice_from_earlier_release(service, "ACC-2", "INV-NUL", "50.00", reference=NUL_REFERENCE)
    an_account(service, "ACC-3")
    an_invoice(service, "INV-1", "300.00", account="ACC-3")


def totals(models: ReadModels) -> dict[str, Decimal]:
    return {row.key: row.total for row in models.aging(AS_OF)}


def references(models: ReadModels) -> dict[str, str]:
    invoices = models.tables("open_items")["invoices"]
    rows = models.read(lambda s: s.execute(select(invoices.c.invoice_id, invoices.c.reference)))
    return dict(rows.all())


def stored_nul(url: str) -> str:
    """How the store's read models show a NUL: as it is, or as U+FFFD on PostgreSQL."""
    return "\ufffd" if make_url(url).get_backend_name() == "postgresql" else "\x00"


def until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_the_follower_quarantines_one_account_and_projects_the_rest(
    store_url: str, caplog: pytest.LogCaptureFixture, record_figures: RecordFigures,
) -> None:
    service, _ = make_service(store_url)
    earlier_release_store(service)
    models = ReadModels(service.app, batch_size=3)
    caplog.set_level(logging.WARNING)
    stop = threading.Event()
    follower = threading.Thread(target=models.runner.follow, args=(stop, 0.02))
    follower.start()
    try:
        for n in range(5):  # the quarantined account and the others keep writing
            an_invoice(service, f"INV-{n + 10}", "1.00", account="ACC-1")
            an_invoice(service, f"INV-{n + 10}", "2.00", account="ACC-3")
        head = service.app.recorder.max_notification_id()
        until(lambda: models.runner.lowest_position() == head, "the follower to reach the head")
    finally:
        stop.set()
        follower.join(10)

    record_figures({"unprojectable events met": 1,
                    "accounts quarantined": len(models.status().quarantines)})
    assert totals(models) == {"ACC-2": Decimal("50.00"), "ACC-3": Decimal("310.00")}
    assert references(models)["INV-NUL"] == f"a{stored_nul(store_url)}b"
    [held] = models.status().quarantines
    assert (held.projection, held.account_number, held.version, held.event_type) == (
        "open_items", "ACC-1", 3, "InvoiceIssued")
    assert held.error_class in ("OverflowError", "NumericValueOutOfRange")
    assert held.skipped == 1 + 5
    lines = [r.getMessage() for r in caplog.records if QUARANTINE_LINE in r.getMessage()]
    assert len(lines) == 1 and "account=ACC-1 " in lines[0]


def test_a_rebuild_quarantines_the_same_account_and_builds_what_the_follower_built(
    store_url: str,
) -> None:
    service, _ = make_service(store_url)
    earlier_release_store(service)
    models = ReadModels(service.app, batch_size=2)
    models.catch_up()
    followed = {name: table_rows(service, models.tables(name))
                for name in ("open_items", "activity", "history")}

    assert main(["--database-url", store_url, "rebuild", "--batch-size", "4"]) == 0

    for name, rows in followed.items():
        assert table_rows(service, models.tables(name)) == rows, name
    assert [(q.projection, q.account_number, q.version) for q in models.status().quarantines] \
        == [("open_items", "ACC-1", 3)]
    assert totals(models) == {"ACC-2": Decimal("50.00"), "ACC-3": Decimal("300.00")}


@pytest.mark.postgres
def test_rebuilding_the_account_lifts_a_nul_quarantine_left_by_an_older_release(
    postgres_database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, _ = make_service(postgres_database_url)
    earlier_release_store(service)
    monkeypatch.setattr(text_columns, "without_nul", lambda value: value)
    monkeypatch.setattr(postgres_copy, "ESCAPES", str.maketrans({"\\": "\\\\", "\t": "\\t",
                                                                 "\n": "\\n", "\r": "\\r"}))
    models = ReadModels(service.app)
    models.catch_up()  # as the release before NUL-safe text did
    assert sorted(q.account_number or "" for q in models.status().quarantines) == [
        "ACC-1", "ACC-2"]

    monkeypatch.undo()  # the upgrade
    assert main(["--database-url", postgres_database_url, "rebuild", "--account", "ACC-2"]) == 0

    assert [q.account_number for q in models.status().quarantines] == ["ACC-1"]
    assert totals(models) == {"ACC-2": Decimal("50.00"), "ACC-3": Decimal("300.00")}
    assert references(models)["INV-NUL"] == "a\ufffdb"


@pytest.mark.kafka
def test_a_kafka_worker_quarantines_the_account_and_projects_the_rest(
    store_url: str, kafka_settings: KafkaSettings, kafka_topic_factory: Callable[..., str],
    record_figures: RecordFigures,
) -> None:
    service, _ = make_service()
    earlier_release_store(service)
    notifications = service.app.recorder.select_notifications(start=1, limit=100)
    messages = [event_message(service.app.mapper.to_domain_event(n), n.id)
                for n in notifications]
    topic = kafka_topic_factory(partitions=2)
    producer = new_producer(kafka_settings)
    publish(producer, topic, messages)
    producer.close()

    stats = run_worker(store_url, kafka_settings,
                       WorkerOptions(topic=topic, group=f"group-{topic}", batch_size=3),
                       stop_when_caught_up=True)

    record_figures({"unprojectable events met": 1, "accounts quarantined": stats.quarantined})
    assert (stats.applied, stats.quarantined) == (len(messages), 1)
    reads = ReadModels(make_service(store_url)[0].app)
    assert totals(reads) == {"ACC-2": Decimal("50.00"), "ACC-3": Decimal("300.00")}
    assert references(reads)["INV-NUL"] == f"a{stored_nul(store_url)}b"
    [held] = reads.read(lambda session: quarantine.stored(session))
    assert (held.account_number, held.version, held.event_type) == ("ACC-1", 3, "InvoiceIssued")

