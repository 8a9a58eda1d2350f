"""Closed months kept by the KPI trend, and when they stop being used.

ACC-1 owes INV-1 1000.00 (issued 1 January, due 31 January), INV-2 600.00 (issued 10
February, due 12 March). The clock stands in April, so January to March are closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event

from ledger.projections.kpi_trend import KpiFilters, KpiReads, months_until
from ledger.projections.kpis import kpis
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import SteppingClock, make_ledger
from tests.unit.given import a_payment, an_account, an_invoice

TO = date(2026, 3, 31)


@pytest.fixture
def ledger() -> Iterator[tuple[LedgerService, ReadModels, SteppingClock]]:
    built, clock = make_ledger()
    an_account(built.service)
    an_invoice(built.service, "INV-1", "1000.00")
    an_invoice(built.service, "INV-2", "600.00", issue_date=date(2026, 2, 10),
               due_date=date(2026, 3, 12))
    clock.set_day(date(2026, 4, 20))
    built.read_models.catch_up()
    yield built.service, built.read_models, clock


def _movement_reads(models: ReadModels) -> list[str]:
    """Start listening for the statements that read invoice movements."""
    sent: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "rm_invoice_movements" in statement:
            sent.append(statement)

    event.listen(models.app.datastore.engine, "before_cursor_execute", listen)
    return sent


def _alone(models: ReadModels, start: date, end: date) -> list[Any]:
    return models.read(lambda s: kpis(s, models.tables("open_items"),
                                      models.tables("activity"), start, end))


def test_closed_months_read_again_come_from_what_was_kept(ledger: Any) -> None:
    _, models, _ = ledger
    reads = KpiReads(models)
    first = reads.trend(3, TO)
    sent = _movement_reads(models)

    assert reads.trend(3, TO) == first
    assert sent == [] and len(reads.kept) == 3


def test_a_back_dated_payment_recorded_later_changes_the_kept_month(ledger: Any) -> None:
    service, models, _ = ledger
    reads = KpiReads(models)
    february = reads.trend(3, TO)[1]
    assert february.currencies[0].ending_ar == Decimal("1600.00")

    a_payment(service, "PAY-1", "1000.00", date(2026, 2, 15), allocations=[("INV-1", "1000.00")])
    models.catch_up()
    trend = reads.trend(3, TO)

    assert trend[1].currencies[0].ending_ar == Decimal("600.00")
    assert trend[0].currencies == _alone(models, date(2026, 1, 1), date(2026, 1, 31))
    assert trend[1].currencies == _alone(models, date(2026, 2, 1), date(2026, 2, 28))


def test_the_month_to_date_and_reads_as_known_at_a_time_are_never_kept(ledger: Any) -> None:
    _, models, clock = ledger
    reads = KpiReads(models)
    today = clock.now.date()

    reads.trend(2, today)
    assert len(reads.kept) == 1  # March; April is not over
    reads.trend(3, TO, known_at=datetime(2026, 4, 1, tzinfo=UTC))
    assert len(reads.kept) == 1


def test_months_kept_for_one_filter_are_not_another_filters(ledger: Any) -> None:
    _, models, _ = ledger
    reads = KpiReads(models)
    reads.trend(3, TO)

    [january] = reads.periods([(date(2026, 1, 1), date(2026, 1, 31))],
                              KpiFilters(currency="EUR"))
    assert january == []


def test_a_trend_is_calendar_months_the_last_ending_on_its_day() -> None:
    assert months_until(date(2026, 3, 15), 3) == [
        (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 15))]
    with pytest.raises(ValueError):
        months_until(date(2026, 3, 15), 0)
