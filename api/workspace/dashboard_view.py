"""The dashboard's figures laid out per currency, from the reads the API answers with.

The route reads exactly what ``GET /aging`` and ``GET /kpis/trend`` (and ``GET /kpis``
for the last 30 days) read, with the same filters and the same ``as_of`` / ``known_at``;
this module only groups those results by currency and hands each group its charts. It
computes no figure of its own: a number on the page is a number the API gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from api.workspace.charts import LineChart, StackedBars, line_chart, stacked_bars
from ledger.projections.aging import AgingRow
from ledger.projections.kpi_trend import KpiMonth
from ledger.projections.kpis import KpiReport

DAYS_SERIES = (("DSO", "dso"), ("Best possible DSO", "best_possible_dso"),
               ("ADD", "average_days_delinquent"))
"""The trend's figures in days, drawn on one chart; CEI (a percentage) has its own."""


@dataclass(frozen=True)
class AgingSection:
    currency: str
    total: AgingRow | None
    """The portfolio's row (``by=portfolio``) of this currency."""
    by_agent: list[AgingRow]
    chart: StackedBars


@dataclass(frozen=True)
class TrendSection:
    currency: str
    months: list[tuple[str, KpiReport | None]]
    """Oldest first, ``2026-03``; None where the month has no figures in this currency."""
    days_chart: LineChart
    cei_chart: LineChart


@dataclass(frozen=True)
class Dashboard:
    buckets: list[str]
    aging: list[AgingSection]
    trend: list[TrendSection]
    last_30_days: list[KpiReport]


def currencies_of(*groups: Sequence[AgingRow | KpiReport]) -> list[str]:
    return sorted({item.currency for group in groups for item in group})


def aging_sections(buckets: list[str], portfolio: list[AgingRow],
                   by_agent: list[AgingRow]) -> list[AgingSection]:
    sections = []
    for currency in currencies_of(portfolio, by_agent):
        agents = [row for row in by_agent if row.currency == currency]
        total = next((row for row in portfolio if row.currency == currency), None)
        chart = stacked_bars([(row.key, row.buckets) for row in agents], buckets)
        sections.append(AgingSection(currency, total, agents, chart))
    return sections


def month_label(month: KpiMonth) -> str:
    return month.start.strftime("%Y-%m")


def trend_sections(trend: list[KpiMonth]) -> list[TrendSection]:
    labels = [month_label(month) for month in trend]
    sections = []
    for currency in currencies_of(*(month.currencies for month in trend)):
        reports = [next((r for r in month.currencies if r.currency == currency), None)
                   for month in trend]

        def figures(field: str, of: list[KpiReport | None] = reports) -> list[Decimal | None]:
            return [getattr(report, field) if report else None for report in of]

        days = line_chart(labels, {name: figures(field) for name, field in DAYS_SERIES})
        cei = line_chart(labels, {"CEI": figures("cei")}, top_at_least=Decimal(100))
        sections.append(TrendSection(currency, list(zip(labels, reports, strict=True)),
                                     days, cei))
    return sections


def dashboard(buckets: list[str], portfolio: list[AgingRow], by_agent: list[AgingRow],
              trend: list[KpiMonth], last_30_days: list[KpiReport]) -> Dashboard:
    return Dashboard(buckets, aging_sections(buckets, portfolio, by_agent),
                     trend_sections(trend), last_30_days)
