"""An event a projection cannot apply quarantines its account, and only its account.

The store holds what an earlier release accepted (`tests.earlier_release`): an invoice of
10^23, which no BIGINT minor-units column holds. Before quarantines, that one event
failed every batch it was in, forever, for every account.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ledger.aggregates import account_id_for
from ledger.projections import open_items, quarantine
from ledger.projections.quarantine import AccountQuarantined
from ledger.projections.read_models import ReadModels
from ledger.projections.registry import all_projections
from ledger.service import LedgerService
from tests.builders import make_service, table_rows
from tests.earlier_release import HUGE, invoice_from_earlier_release
from tests.unit.given import an_account, an_invoice

AS_OF = date(2026, 3, 31)
QUARANTINE_LINE = "projection quarantined an account"


def a_bad_invoice_among_good_ones(service: LedgerService) -> int:
    """ACC-1 owes 100.00, then 10^23, then 300.00; ACC-2's 200.00 comes after all that.
    Returns the log position of the 10^23 invoice."""
    an_account(service, "ACC-1")
    an_account(service, "ACC-2")
    an_invoice(service, "INV-1", "100.00", account="ACC-1")
    bad = invoice_from_earlier_release(service, "ACC-1", "INV-BIG", HUGE)
    an_invoice(service, "INV-2", "300.00", account="ACC-1")
    an_invoice(service, "INV-1", "200.00", account="ACC-2")
    return bad


def totals(models: ReadModels) -> dict[str, Decimal]:
    return {row.key: row.total for row in models.aging(AS_OF)}


def quarantined(models: ReadModels) -> list[quarantine.Quarantine]:
    return models.read(lambda session: quarantine.stored(session))


@pytest.fixture
def service() -> LedgerService:
    ledger, _ = make_service()
    return ledger


def test_the_log_keeps_flowing_past_an_event_the_open_items_cannot_apply(
    service: LedgerService,
) -> None:
    bad = a_bad_invoice_among_good_ones(service)
    models = ReadModels(service.app)

    models.catch_up()

    head = service.app.recorder.max_notification_id()
    assert models.runner.positions() == {"open_items": head, "activity": head, "history": head,
                                       "cash": head}
    [held] = quarantined(models)
    assert (held.projection, held.account_number, held.account_id) == (
        "open_items", "ACC-1", str(account_id_for("ACC-1")))
    assert (held.position, held.version, held.event_type) == (bad, 3, "InvoiceIssued")
    assert held.error_class == "OverflowError" and "too large" in held.error
    assert held.skipped == 2, "the bad invoice and ACC-1's later one"
    assert totals(models) == {"ACC-2": Decimal("200.00")}


def test_reads_leave_the_quarantined_account_out_and_say_so(service: LedgerService) -> None:
    a_bad_invoice_among_good_ones(service)
    models = ReadModels(service.app)
    models.catch_up()

    excluded = models.excluded("open_items")

    assert excluded.numbers == ["ACC-1"]
    assert excluded.note == "excluding 1 quarantined account"
    assert [r.total for r in models.aging(AS_OF, by="portfolio")] == [Decimal("200.00")]
    assert models.excluded("history").accounts == (), "the history applied every event"
    with pytest.raises(AccountQuarantined, match="ACC-1"):
        models.statement("ACC-1", date(2026, 1, 1), AS_OF)
    assert models.statement("ACC-2", date(2026, 1, 1), AS_OF)[0].closing_balance == Decimal(
        "200.00")


def test_one_log_line_per_failure_however_many_polls(
    service: LedgerService, caplog: pytest.LogCaptureFixture,
) -> None:
    a_bad_invoice_among_good_ones(service)
    models = ReadModels(service.app, batch_size=2)
    caplog.set_level(logging.WARNING)

    for poll in range(30):
        if poll % 5 == 0:
            an_invoice(service, f"INV-{10 + poll}", "1.00", account="ACC-1")
        models.runner.run_once()

    lines = [r.getMessage() for r in caplog.records if QUARANTINE_LINE in r.getMessage()]
    assert len(lines) == 1
    assert "projection=open_items account=ACC-1 " in lines[0]
    assert "version=3 type=InvoiceIssued error=\"OverflowError: " in lines[0]
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert quarantined(models)[0].skipped == 2 + 6


def test_a_rebuild_quarantines_the_same_account_and_builds_the_same_rows(
    service: LedgerService,
) -> None:
    a_bad_invoice_among_good_ones(service)
    models = ReadModels(service.app)
    models.catch_up()
    followed = table_rows(service, models.tables("open_items"))
    before = [(q.account_number, q.position, q.error_class, q.skipped) for q in quarantined(models)]

    models.rebuild(batch_size=3)

    assert table_rows(service, models.tables("open_items")) == followed
    after = [(q.account_number, q.position, q.error_class, q.skipped) for q in quarantined(models)]
    assert after == before == [("ACC-1", 4, "OverflowError", 2)]


def test_rebuilding_the_account_lifts_the_quarantine_once_the_projection_is_fixed(
    service: LedgerService, monkeypatch: pytest.MonkeyPatch,
) -> None:
    an_account(service, "ACC-1")
    an_account(service, "ACC-2")
    an_invoice(service, "INV-1", "100.00", account="ACC-1")
    an_invoice(service, "INV-1", "200.00", account="ACC-2")
    original = open_items._Batch.on_InvoiceIssued

    def buggy(batch: open_items._Batch, account: str, event: object) -> None:
        if getattr(event, "amount", None) == Decimal("100.00"):
            raise KeyError("a projection bug")
        original(batch, account, event)

    monkeypatch.setattr(open_items._Batch, "on_InvoiceIssued", buggy)
    models = ReadModels(service.app)
    models.catch_up()
    assert models.excluded("open_items").numbers == ["ACC-1"]

    monkeypatch.undo()  # the release with the fix
    outcomes = models.rebuild_account(account_id_for("ACC-1"))

    assert {o.projection: o.lifted for o in outcomes} == {
        "open_items": True, "activity": False, "history": False, "cash": False}
    assert quarantined(models) == []
    assert totals(models) == {"ACC-1": Decimal("100.00"), "ACC-2": Decimal("200.00")}
    an_invoice(service, "INV-2", "5.00", account="ACC-1")
    models.catch_up()
    assert totals(models)["ACC-1"] == Decimal("105.00"), "followed again after the lift"


def test_a_stored_event_that_cannot_be_decoded_quarantines_its_account_everywhere(
    service: LedgerService,
) -> None:
    an_account(service, "ACC-1")
    bad = an_invoice(service, "INV-1", "100.00").position
    an_account(service, "ACC-2")
    with service.app.datastore.transaction(commit=True) as session:
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": b"{not json", "id": bad})
    models = ReadModels(service.app)

    models.catch_up()

    held = quarantined(models)
    assert {(q.projection, q.account_number, q.position) for q in held} == {
        (p.name, "ACC-1", bad) for p in all_projections()}
    assert {q.event_type for q in held} == {"InvoiceIssued"}
    assert [a.number for a in models.accounts().items] == ["ACC-1", "ACC-2"]


def test_a_database_that_fails_is_retried_rather_than_blamed_on_the_events(
    service: LedgerService, monkeypatch: pytest.MonkeyPatch,
) -> None:
    an_account(service, "ACC-1")
    models = ReadModels(service.app)

    def gone(*_: object) -> None:
        raise OperationalError("INSERT ...", {}, Exception("server closed the connection"))

    monkeypatch.setattr(open_items.OpenItemsProjection, "handle", gone)

    with pytest.raises(Exception, match="server closed the connection"):
        models.catch_up()
    assert models.runner.positions()["open_items"] == 0
    assert quarantined(models) == []


def test_a_follower_logs_a_failure_that_lasts_once_with_its_traceback_then_its_recovery(
    service: LedgerService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    an_account(service, "ACC-1")
    models = ReadModels(service.app)
    polls = iter(range(40))
    run_once = models.runner.run_once
    stop = threading.Event()

    def flaky() -> int:
        poll = next(polls, None)
        if poll is None:
            stop.set()
            return 0
        if poll < 30:
            raise OperationalError("SELECT ...", {}, Exception("the database is restarting"))
        return run_once()

    monkeypatch.setattr(models.runner, "run_once", flaky)
    caplog.set_level(logging.INFO)

    models.runner.follow(stop, interval=0)

    failures = [r for r in caplog.records if "follower failed" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None
    assert "the database is restarting" in failures[0].getMessage()
    assert [r for r in caplog.records if "follower recovered" in r.getMessage()]
    assert models.runner.positions()["open_items"] == 1
