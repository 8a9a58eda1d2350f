"""Portfolio reads: aging as of any date (KPIs: `api.routers.kpis`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import CallerDep, ReadModelsDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.permissions import READERS_OF_PORTFOLIO, check_read
from api.read_params import (
    IDENTIFIER,
    AccountFilter,
    AgentFilter,
    AsOf,
    Currency,
    Fresh,
    KnownAt,
    ReportingCurrency,
    SegmentFilter,
    link_next,
)
from api.routers.fx_rates import fx_rates_of
from api.schemas.fx_rates import ReportingTotal
from api.schemas.portfolio import AgingReport, AgingRow
from ledger.aggregates.errors import InvalidBucketEdges, InvalidCommand
from ledger.fx import Reporting
from ledger.fx_totals import total_in
from ledger.money import check_currency
from ledger.projections.aging import DEFAULT_EDGES, bucket_labels
from ledger.projections.exclusions import Exclusions

router = APIRouter(tags=["portfolio"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})

DEFAULT_PAGE = 100
Grouping = Literal["account", "agent", "currency", "segment", "portfolio"]
PageLimit = Annotated[
    int | None,
    Query(ge=1, le=1000, description="by=account only: accounts per page (paged when given, "
          "or with a cursor: 100)"),
]
Cursor = Annotated[
    str | None, Query(**IDENTIFIER, description="by=account only: the next_cursor of the "
                      "previous page (the last account number it covered)",
                      examples=["ACC-00042"]),
]
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
    request: Request,
    response: Response,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    by: Grouping = "account",
    currency: Currency = None,
    edges: Edges = None,
    account: AccountFilter = None,
    agent: AgentFilter = None,
    segment: SegmentFilter = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
    reporting_currency: ReportingCurrency = None,
) -> Any:
    """Outstanding per aging bucket, per account, agent, segment, currency or portfolio;
    by account a page at a time when asked (``limit``, ``cursor``)."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if reporting_currency is not None:
        check_currency(reporting_currency)  # a rule of the ledger's, not of the request's shape
    days = bucket_edges(edges)
    on = as_of or models.clock().date()
    excluding = models.excluded("open_items")
    accounts = {"account": account, "agent": agent, "segment": segment}
    next_cursor = None
    if limit is None and cursor is None:
        rows = models.aging(on, known_at, by, days, currency, excluding=excluding, **accounts)
    elif by != "account":
        raise InvalidCommand("aging is paged by account only: limit and cursor need "
                             "by=account")
    else:
        page = models.aging_page(on, known_at, days, currency, excluding, after=cursor,
                                 limit=limit or DEFAULT_PAGE, **accounts)
        rows, next_cursor = page.rows, page.next_cursor
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
        response = said_so(streamed(fmt, columns, records, f"aging-{on}"), excluding)
    if next_cursor is not None:
        link_next(request, response, cursor=next_cursor)
    if fmt != "json":
        return response
    total = None
    if reporting_currency is not None:
        by_currency = models.aging(on, known_at, "currency", days, currency,
                                   excluding=excluding, **accounts)
        reporting = Reporting(reporting_currency, fx_rates_of(models).book(on))
        total = total_in(reporting, {r.currency: r.total for r in by_currency}, on)
    return AgingReport(as_of=on, known_at=known_at, by=by, edges=list(days), buckets=labels,
                       rows=[AgingRow.model_validate(r) for r in rows],
                       quarantined_accounts=excluding.numbers, next_cursor=next_cursor,
                       reporting_total=None if total is None
                       else ReportingTotal.model_validate(total, from_attributes=True))


def said_so(response: Response, excluding: Exclusions) -> Response:
    """An export has no room for a note: a header says what it left out."""
    if excluding.accounts:
        response.headers["X-Quarantined-Accounts"] = ",".join(excluding.numbers)
    return response


ROUTERS = [router]
