"""The KPI trend (months in one pass, closed months kept) against the general path.

Random small portfolios as in ``test_kpi_properties`` (back-dated events are common).
Each month of a trend must equal ``kpis`` asked for that month alone — the trend sums
many periods from one pass and answers closed months from what it kept, ``kpis``
computes one period — and its AR figures must equal aging's totals (`outstanding`, what
is owed said once): beginning AR the day before the month, ending AR and its current
bucket on its last day. A trend asked again, from what was kept, must not change.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.commands.base import Command
from ledger.projections.aging import aging
from ledger.projections.kpi_trend import KpiMonth, KpiReads
from ledger.projections.kpis import kpis
from ledger.projections.read_models import ReadModels
from tests.builders import make_ledger
from tests.property.test_kpi_properties import FIRST_DAY, played, portfolios


def _read_models(cmds: list[Command]) -> tuple[ReadModels, Any]:
    ledger, clock = make_ledger()
    played(ledger.service, clock, cmds)
    ledger.read_models.catch_up()
    return ledger.read_models, clock


def _aged(models: ReadModels, session: Any, on: date, known_at: Any) -> dict[str, Decimal]:
    """Per currency: (total owed, owed in the current bucket) as aging says."""
    [open_items] = models.narrowed(models.excluded("open_items"), "open_items")
    found: dict[str, Any] = {}
    for row in aging(session, open_items, on, known_at=known_at, by="currency"):
        total, current = found.get(row.currency, (Decimal(0), Decimal(0)))
        found[row.currency] = (total + sum(row.buckets.values()), current + row.buckets["current"])
    return found


def _check_month(models: ReadModels, month: KpiMonth, known_at: Any) -> None:
    open_items, activity = models.tables("open_items"), models.tables("activity")

    def read(session: Any) -> None:
        alone = kpis(session, open_items, activity, month.start, month.end, known_at=known_at)
        assert month.currencies == alone
        before = _aged(models, session, month.start - timedelta(days=1), known_at)
        after = _aged(models, session, month.end, known_at)
        for report in month.currencies:
            zero = (Decimal(0), Decimal(0))
            assert report.beginning_ar == before.get(report.currency, zero)[0]
            assert report.ending_ar == after.get(report.currency, zero)[0]
            assert report.ending_current_ar == after.get(report.currency, zero)[1]
        owing = {cur for cur, (total, _) in after.items() if total}
        assert owing <= {r.currency for r in month.currencies}

    models.read(read)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cmds=portfolios(), to=st.integers(min_value=20, max_value=150),
       months=st.integers(min_value=1, max_value=5),
       known_back=st.one_of(st.none(), st.integers(min_value=0, max_value=48)))
def test_each_month_of_a_trend_is_that_months_kpis_and_agrees_with_aging(
    cmds: list[Command], to: int, months: int, known_back: int | None,
) -> None:
    models, clock = _read_models(cmds)
    known_at = None if known_back is None else clock.now - timedelta(hours=known_back)
    reads = KpiReads(models)
    trend = reads.trend(months, FIRST_DAY + timedelta(days=to), known_at=known_at)
    assert len(trend) == months
    for month in trend:
        _check_month(models, month, known_at)
    assert reads.trend(months, FIRST_DAY + timedelta(days=to), known_at=known_at) == trend
    if known_at is not None:
        assert len(reads.kept) == 0  # a chosen known_at is never answered from what was kept
