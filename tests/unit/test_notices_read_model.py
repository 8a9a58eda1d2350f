"""The notices read model (``rm_notices``): one row per notice the dunning run sent, with
what it lists per currency and what became of it; filled alike by following the log and
by a rebuild; what the delivery asks of it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from infra.bootstrap import Ledger
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.commands.notices import RecordNoticeDelivery
from ledger.projections.notices import NoticeFilter, NoticeRow, notices, pending_emails
from ledger.projections.rebuild import rebuild
from ledger.projections.registry import all_projections
from tests.builders import SERVICE, make_ledger
from tests.unit.given import an_account, an_invoice

DAY = date(2026, 4, 1)


def overdue(ledger: Ledger, number: str, *invoices: tuple[str, str, str, int]) -> None:
    """An account owing ``(invoice, amount, currency, days past due on DAY)``."""
    an_account(ledger.service, number)
    for invoice_id, amount, currency, days in invoices:
        an_invoice(ledger.service, invoice_id, amount, currency=currency, account=number,
                   due_date=DAY - timedelta(days=days))


def run_day(ledger: Ledger, *numbers: str, day: date = DAY) -> None:
    for number in numbers:
        ledger.service.execute(ProcessDay(account=number, day=day), SERVICE)


def record(ledger: Ledger, number: str, notice_id: str, outcome: str, reason: str = "") -> None:
    ledger.service.execute(RecordNoticeDelivery(account=number, notice_id=notice_id,
                                                outcome=outcome, reason=reason), SYSTEM)  # type: ignore[arg-type]


def read(ledger: Ledger, where: NoticeFilter | None = None) -> list[NoticeRow]:
    where = where or NoticeFilter()
    models = ledger.read_models
    models.catch_up()
    return models.read(lambda s: notices(s, models.tables("activity"),
                                         models.tables("open_items"), where))


def test_a_runs_notice_is_one_row_listing_its_invoices_per_currency() -> None:
    ledger, _ = make_ledger()
    overdue(ledger, "ACC-1", ("INV-1", "100.00", "USD", 2), ("INV-2", "2200.00", "USD", 20),
            ("INV-3", "5000", "JPY", 5))

    run_day(ledger, "ACC-1")

    (row,) = read(ledger)
    assert (row.account, row.notice_id, row.sent_on, row.level, row.channel, row.template,
            row.segment, row.policy_version, row.invoices, row.status, row.reason,
            row.outcome_at) == ("ACC-1", "notice-20260401", DAY, "reminder_2", "email",
                                "reminder_2", "standard", 0, 3, "sent", None, None)
    assert row.amounts == {"JPY": Decimal("5000"), "USD": Decimal("2300.00")}
    assert row.recorded_at is not None


def test_delivered_and_failed_notices_carry_their_outcome_and_when() -> None:
    ledger, _ = make_ledger()
    overdue(ledger, "ACC-1", ("INV-1", "100.00", "USD", 3))
    overdue(ledger, "ACC-2", ("INV-1", "40.00", "USD", 3))
    run_day(ledger, "ACC-1", "ACC-2")

    record(ledger, "ACC-1", "notice-20260401", "delivered")
    record(ledger, "ACC-2", "notice-20260401", "failed", "smtp: connection refused")

    rows = {r.account: r for r in read(ledger)}
    assert (rows["ACC-1"].status, rows["ACC-1"].reason) == ("delivered", None)
    assert (rows["ACC-2"].status, rows["ACC-2"].reason) == ("failed", "smtp: connection refused")
    assert all(r.outcome_at is not None and r.outcome_at >= r.recorded_at for r in rows.values())
    assert [r.account for r in read(ledger, NoticeFilter(status="failed"))] == ["ACC-2"]


def test_notices_are_newest_first_and_filtered_by_day_channel_and_account() -> None:
    ledger, _ = make_ledger()
    overdue(ledger, "ACC-1", ("INV-1", "100.00", "USD", 3))
    overdue(ledger, "ACC-2", ("INV-1", "900.00", "USD", 40))  # a final notice: a letter
    run_day(ledger, "ACC-1", "ACC-2")
    an_invoice(ledger.service, "INV-2", "50.00", account="ACC-1", due_date=DAY)
    run_day(ledger, "ACC-1", day=DAY + timedelta(days=16))

    assert [(r.account, r.sent_on) for r in read(ledger)] == [
        ("ACC-1", DAY + timedelta(days=16)), ("ACC-2", DAY), ("ACC-1", DAY)]
    assert [r.account for r in read(ledger, NoticeFilter(channel="letter"))] == ["ACC-2"]
    assert [r.sent_on for r in read(ledger, NoticeFilter(number="ACC-1", end=DAY))] == [DAY]
    assert read(ledger, NoticeFilter(start=DAY + timedelta(days=17))) == []
    newest = read(ledger)[0]
    assert [r.position for r in read(ledger, NoticeFilter(before=newest.position))] == [
        r.position for r in read(ledger)[1:]]


def test_the_delivery_asks_for_e_mails_still_sent_oldest_first() -> None:
    ledger, _ = make_ledger()
    overdue(ledger, "ACC-1", ("INV-1", "100.00", "USD", 3))
    overdue(ledger, "ACC-2", ("INV-1", "900.00", "USD", 40))  # a letter
    overdue(ledger, "ACC-3", ("INV-1", "70.00", "USD", 3))
    overdue(ledger, "ACC-4", ("INV-1", "80.00", "USD", 3))
    run_day(ledger, "ACC-1", "ACC-2", "ACC-3", "ACC-4")
    record(ledger, "ACC-3", "notice-20260401", "delivered")
    models = ledger.read_models
    models.catch_up()

    def pending(after: int = 0) -> list[tuple[int, str, str]]:
        return models.read(lambda s: pending_emails(
            s, models.tables("activity"), models.tables("open_items"), after))

    assert [(n, i) for _, n, i in pending()] == [
        ("ACC-1", "notice-20260401"), ("ACC-4", "notice-20260401")]
    assert [n for _, n, _ in pending(pending()[0][0])] == ["ACC-4"]


def rows(ledger: Ledger) -> dict[str, list[Any]]:
    tables = ledger.read_models.tables("activity")
    with ledger.app.datastore.transaction(commit=False) as session:
        return {name: sorted((tuple(r) for r in session.execute(select(tables[name]))), key=repr)
                for name in ("notices", "notice_amounts")}


def test_a_rebuild_gives_the_rows_that_following_the_log_gave() -> None:
    ledger, _ = make_ledger()
    overdue(ledger, "ACC-1", ("INV-1", "100.00", "USD", 2), ("INV-2", "5000", "JPY", 20))
    overdue(ledger, "ACC-2", ("INV-1", "900.00", "USD", 40))
    run_day(ledger, "ACC-1")
    ledger.read_models.catch_up()  # followed bit by bit: the outcome comes in a later batch
    run_day(ledger, "ACC-2")
    record(ledger, "ACC-1", "notice-20260401", "failed", "no e-mail address")
    ledger.read_models.catch_up()
    followed = rows(ledger)

    rebuild(ledger.app, all_projections(), batch_size=3)

    assert rows(ledger) == followed
    assert len(followed["notices"]) == 2 and len(followed["notice_amounts"]) == 3
