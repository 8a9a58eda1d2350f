"""KPIs: one period with agent performance, and a trend month by month."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CallerDep, KpiReadsDep, ReadModelsDep
from api.permissions import READERS_OF_PORTFOLIO, check_read
from api.read_params import (
    AccountFilter,
    AgentFilter,
    Currency,
    Fresh,
    KnownAt,
    PeriodEnd,
    PeriodStart,
    SegmentFilter,
)
from api.schemas.portfolio import (
    AgentPerformance,
    KpiMonth,
    KpiReport,
    KpisReport,
    KpiTrendReport,
)
from ledger.aggregates.errors import InvalidDates
from ledger.commands.base import BusinessDate
from ledger.projections.kpi_trend import MAX_MONTHS, KpiFilters
from ledger.projections.read_models import COLLECTIONS

router = APIRouter(tags=["portfolio"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})

Months = Annotated[int, Query(ge=1, le=MAX_MONTHS, description="how many calendar months")]
TrendEnd = Annotated[
    BusinessDate | None,
    Query(alias="to", description="the last month's last day (default: today, so the last "
          "month is the month to date)", examples=["2026-10-31"]),
]


@router.get("/kpis", response_model=KpisReport, operation_id="GetKpis")
def get_kpis(
    models: ReadModelsDep,
    reads: KpiReadsDep,
    caller: CallerDep,
    start: PeriodStart,
    end: PeriodEnd,
    agent: AgentFilter = None,
    segment: SegmentFilter = None,
    known_at: KnownAt = None,
    account: AccountFilter = None,
    currency: Currency = None,
) -> KpisReport:
    """DSO, CEI, promise-kept rate... per currency for a period, and per-agent performance."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    excluding = models.excluded(*COLLECTIONS)
    filters = KpiFilters(agent=agent, segment=segment, account=account, currency=currency)
    [reports] = reads.periods([(start, end)], filters, known_at, excluding)
    agents = models.agent_performance(start, end, agent=agent, segment=segment,
                                      known_at=known_at, excluding=excluding,
                                      account=account, currency=currency)
    return KpisReport(
        start=start, end=end, known_at=known_at,
        currencies=[KpiReport.model_validate(r) for r in reports],
        agents=[AgentPerformance.model_validate(a) for a in agents],
        quarantined_accounts=excluding.numbers,
    )


@router.get("/kpis/trend", response_model=KpiTrendReport, operation_id="GetKpiTrend")
def get_kpi_trend(
    models: ReadModelsDep,
    reads: KpiReadsDep,
    caller: CallerDep,
    months: Months = 12,
    to: TrendEnd = None,
    agent: AgentFilter = None,
    segment: SegmentFilter = None,
    known_at: KnownAt = None,
    account: AccountFilter = None,
    currency: Currency = None,
) -> KpiTrendReport:
    """The KPIs of each calendar month up to ``to``, as ``GET /kpis`` gives them."""
    check_read(caller, READERS_OF_PORTFOLIO)
    last = to or models.clock().date()
    excluding = models.excluded(*COLLECTIONS)
    filters = KpiFilters(agent=agent, segment=segment, account=account, currency=currency)
    trend = reads.trend(months, last, filters, known_at, excluding)
    return KpiTrendReport(
        to=last, known_at=known_at, months=[KpiMonth.model_validate(m) for m in trend],
        quarantined_accounts=excluding.numbers,
    )


ROUTERS = [router]
