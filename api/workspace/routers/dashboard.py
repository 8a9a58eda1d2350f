"""The portfolio dashboard: aging per currency, the KPI trend, the last 30 days' KPIs.

It reads what the API reads, with the API's filters: ``GET /aging`` (``by=portfolio`` for
the totals, ``by=agent`` for the charts), ``GET /kpis/trend`` (12 months to the as-of
date) and ``GET /kpis`` (the 30 days to it), each with the same ``as_of`` and
``known_at``, so every figure re-draws as it stood on a day, or as the ledger knew it at
a time. Who may open it is the API's rule for those reads (``READERS_OF_PORTFOLIO``).

Below them, cash application as it stands today (``GET /reports/cash-application``): the
unidentified cash left in the queue per currency, its age, and the share matched
automatically per rule. Receipts belong to no account, agent or segment until matched, so
the filters do not apply to it.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import KpiReadsDep, ReadModelsDep
from api.workspace.dashboard_query import parse
from api.workspace.dashboard_view import dashboard as laid_out
from api.workspace.deps import DashboardViewer, page_router
from api.workspace.navigation import RECEIPTS, may_open
from api.workspace.templating import templates
from ledger.fx_totals import total_in
from ledger.projections.aging import DEFAULT_EDGES, bucket_labels
from ledger.projections.exclusions import exclusion_note
from ledger.projections.kpi_trend import KpiFilters
from ledger.projections.read_models import COLLECTIONS
from ledger.projections.receipts import AGE_EDGES, age_band

TREND_MONTHS = 12
LAST_DAYS = 30

router = page_router()


@router.get("/dashboard")
def dashboard(request: Request, caller: DashboardViewer, models: ReadModelsDep,
              reads: KpiReadsDep) -> HTMLResponse:
    """Portfolio dashboard, filtered and dated by its GET form."""
    query, errors = parse(request.query_params)
    as_of = query.as_of or models.clock().date()
    context = {"asked": query, "errors": errors, "as_of": as_of, "figures": None,
               "last_days": LAST_DAYS}
    if errors:
        return templates.TemplateResponse(request, "dashboard.html", context, status_code=422)
    aging_left_out = models.excluded("open_items")
    kpis_left_out = models.excluded(*COLLECTIONS)
    accounts = {"agent": query.agent, "segment": query.segment}
    portfolio, by_agent = (
        models.aging(as_of, query.known_at, by, DEFAULT_EDGES, query.currency,
                     excluding=aging_left_out, **accounts)
        for by in ("portfolio", "agent"))
    filters = KpiFilters(agent=query.agent, segment=query.segment, currency=query.currency)
    trend = reads.trend(TREND_MONTHS, as_of, filters, query.known_at, kpis_left_out)
    [last_days] = reads.periods([(as_of - timedelta(days=LAST_DAYS - 1), as_of)], filters,
                                query.known_at, kpis_left_out)
    left_out = sorted({*aging_left_out.numbers, *kpis_left_out.numbers})
    reporting = models.reporting(as_of)  # COLLEDGER_REPORTING_CURRENCY, as GET /aging's
    context |= {
        "reporting_total": None if reporting is None else total_in(
            reporting, {row.currency: row.total for row in portfolio}, as_of),
        "figures": laid_out(bucket_labels(DEFAULT_EDGES), portfolio, by_agent, trend,
                            last_days),
        "left_out": left_out, "note": exclusion_note(len(left_out)),
        "last_start": as_of - timedelta(days=LAST_DAYS - 1),
        "cash": models.cash_application_report(models.clock().date()),
        "age_bands": [age_band(edge) for edge in AGE_EDGES],
        "may_open_receipts": may_open(caller, RECEIPTS),
    }
    return templates.TemplateResponse(request, "dashboard.html", context)


ROUTERS = (router,)
