"""Portfolio reads: aging as of any date, and KPIs with agent performance for a period."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from api.deps import CallerDep, ReadModelsDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.permissions import READERS_OF_PORTFOLIO, check_read
from api.read_params import AsOf, Fresh, KnownAt, PeriodEnd, PeriodStart
from api.schemas.portfolio import AgentPerformance, AgingReport, AgingRow, KpiReport, KpisReport
from ledger.aggregates.errors import InvalidBucketEdges, InvalidDates
from ledger.projections.aging import DEFAULT_EDGES, bucket_labels
from ledger.projections.exclusions import Exclusions

router = APIRouter(tags=["portfolio"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})

Grouping = Literal["account", "agent", "currency", "segment", "portfolio"]
Currency = Annotated[str | None, Query(pattern="^[A-Z]{3}$", examples=["USD"])]
Edges = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{1,5}(,[0-9]{1,5}){0,11}$", examples=["30,60,90,120"],
          description="bucket edges in days past due, increasing (default 30,60,90,120)"),
]


def bucket_edges(edges: str | None) -> tuple[int, ...]:
    if edges is None:
        return DEFAULT_EDGES
    days = tuple(int(e) for e in edges.split(","))
    if days[0] < 1 or any(low >= high for low, high in zip(days, days[1:], strict=False)):
        raise InvalidBucketEdges(f"bucket edges {edges!r} must be positive and strictly "
                                 "increasing, e.g. 30,60,90,120")
    return days


@router.get("/aging", response_model=AgingReport, operation_id="GetAging",
            responses=EXPORTABLE)
def get_aging(
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    by: Grouping = "account",
    currency: Currency = None,
    edges: Edges = None,
) -> Any:
    """Outstanding per aging bucket, per account, agent, segment, currency or portfolio."""
    check_read(caller, READERS_OF_PORTFOLIO)
    days = bucket_edges(edges)
    on = as_of or models.clock().date()
    excluding = models.excluded("open_items")
    rows = models.aging(on, known_at, by, days, currency, excluding=excluding)
    labels = bucket_labels(days)
    if fmt != "json":
        records = (
            {"key": r.key, "currency": r.currency, **r.buckets, "total": r.total,
             "disputed": r.disputed, "unapplied_credit": r.unapplied_credit,
             "invoices": r.invoices}
            for r in rows
        )
        columns = ["key", "currency", *labels, "total", "disputed", "unapplied_credit",
                   "invoices"]
        return said_so(streamed(fmt, columns, records, f"aging-{on}"), excluding)
    return AgingReport(as_of=on, known_at=known_at, by=by, edges=list(days), buckets=labels,
                       rows=[AgingRow.model_validate(r) for r in rows],
                       quarantined_accounts=excluding.numbers)


def said_so(response: Response, excluding: Exclusions) -> Response:
    """An export has no room for a note: a header says what it left out."""
    if excluding.accounts:
        response.headers["X-Quarantined-Accounts"] = ",".join(excluding.numbers)
    return response


@router.get("/kpis", response_model=KpisReport, operation_id="GetKpis")
def get_kpis(
    models: ReadModelsDep,
    caller: CallerDep,
    start: PeriodStart,
    end: PeriodEnd,
    agent: str | None = None,
    segment: str | None = None,
    known_at: KnownAt = None,
) -> KpisReport:
    """DSO, CEI, promise-kept rate... per currency for a period, and per-agent performance."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    excluding = models.excluded("open_items", "activity")
    reports = models.kpis(start, end, agent=agent, segment=segment, known_at=known_at,
                          excluding=excluding)
    agents = models.agent_performance(start, end, agent=agent, segment=segment,
                                      known_at=known_at, excluding=excluding)
    return KpisReport(
        start=start, end=end, known_at=known_at,
        currencies=[KpiReport.model_validate(r) for r in reports],
        agents=[AgentPerformance.model_validate(a) for a in agents],
        quarantined_accounts=excluding.numbers,
    )


ROUTERS = [router]
