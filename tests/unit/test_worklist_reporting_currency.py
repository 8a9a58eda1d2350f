"""The worklist ranked in a reporting currency (issue 14: a yen balance outranked a pound
balance by its digits)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from ledger.fx import FxRate, RateBook, Reporting
from ledger.projections.activity import ActivityProjection
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.runner import ProjectionRunner
from ledger.projections.worklist_table import worklist_items
from ledger.service import LedgerService
from tests.unit.test_worklist import DAY, TEN_DAYS_LATE, Desk, item, ranked

EUR_RATES = Reporting("EUR", RateBook.of([
    FxRate("EUR", "JPY", date(2026, 2, 27), Decimal("160")),
    FxRate("EUR", "GBP", date(2026, 2, 27), Decimal("0.85")),
    FxRate("EUR", "GBP", date(2026, 3, 3), Decimal("0.5")),  # after the day: not used
]))


@pytest.fixture
def desk(service: LedgerService) -> Iterator[Desk]:
    runner = ProjectionRunner(service.app, [OpenItemsProjection(), ActivityProjection()])
    yield Desk(service, runner, worklist_items)


@pytest.fixture
def yen_and_pounds(desk: Desk) -> Desk:
    desk.debtor("ACC-JPY-BIG", ("37000000", TEN_DAYS_LATE), currency="JPY")
    desk.debtor("ACC-JPY", ("1000000", TEN_DAYS_LATE), currency="JPY")
    desk.debtor("ACC-GBP", ("7800.00", TEN_DAYS_LATE), currency="GBP")
    return desk


def test_without_a_reporting_currency_the_yen_outrank_the_pounds_by_their_digits(
    yen_and_pounds: Desk,
) -> None:
    worklist = yen_and_pounds.worklist()
    assert ranked(worklist) == ["ACC-JPY-BIG", "ACC-JPY", "ACC-GBP"]
    assert item(worklist, "ACC-JPY").components["overdue"] == Decimal("10000")
    assert item(worklist, "ACC-GBP").rates == {}


def test_in_a_reporting_currency_balances_rank_by_their_value_and_name_the_rate_date(
    yen_and_pounds: Desk,
) -> None:
    worklist = yen_and_pounds.worklist(reporting=EUR_RATES)
    # JPY 37,000,000 = EUR 231,250.00; GBP 7,800 = EUR 9,176.47; JPY 1,000,000 = EUR 6,250
    assert ranked(worklist) == ["ACC-JPY-BIG", "ACC-GBP", "ACC-JPY"]
    assert item(worklist, "ACC-JPY-BIG").components["overdue"] == Decimal("2312.5")
    assert item(worklist, "ACC-GBP").components["overdue"] == Decimal("91.7647")
    assert item(worklist, "ACC-JPY").components["overdue"] == Decimal("62.5")
    assert item(worklist, "ACC-GBP").rates == {"GBP": "2026-02-27"}
    assert worklist.reporting_currency == "EUR"
    stored = yen_and_pounds.stored()
    assert stored is not None and item(stored, "ACC-GBP").rates == {"GBP": "2026-02-27"}
    assert item(stored, "ACC-GBP").components == item(worklist, "ACC-GBP").components


def test_an_account_without_a_rate_is_listed_saying_no_rate_and_its_money_counts_nothing(
    yen_and_pounds: Desk,
) -> None:
    yen_and_pounds.debtor("ACC-CHF", ("50000.00", TEN_DAYS_LATE), currency="CHF")
    yen_and_pounds.debtor("ACC-EUR", ("100.00", TEN_DAYS_LATE), currency="EUR")
    worklist = yen_and_pounds.worklist(DAY, reporting=EUR_RATES)
    chf = item(worklist, "ACC-CHF")
    assert chf.rates == {"CHF": "no rate"} and chf.components["overdue"] == 0
    assert item(worklist, "ACC-EUR").rates == {}
    assert item(worklist, "ACC-EUR").components["overdue"] == Decimal("1")
