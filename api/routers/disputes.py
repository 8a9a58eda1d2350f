"""Disputes: an amount of one invoice contested by the debtor, then resolved; their reason
code and owner, and the root-cause report per reason."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CallerDep, ReadModelsDep
from api.permissions import READERS_OF_PORTFOLIO, check_read
from api.read_params import Fresh, PeriodEnd, PeriodStart
from api.schemas.dispute_report import DisputeReasonRow, DisputeReport
from api.write_route import command_route
from ledger.aggregates.errors import InvalidDates
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["disputes"])

command_route(router, "/disputes", c.OpenDispute, {
    "dispute_id": "DSP-0311", "invoice_id": "INV-2026-0042", "amount": "200.00",
    "reason": "two pallets delivered damaged", "reason_code": "quality", "owner": "team-claims",
}, "Open a dispute on part of an invoice")
command_route(router, "/dispute-resolutions", c.ResolveDispute, {
    "dispute_id": "DSP-0311", "outcome": "upheld", "credit_amount": "150.00",
    "reason": "carrier confirmed damage to one pallet and a half",
}, "Resolve a dispute: upheld (credit note) or rejected")
command_route(router, "/dispute-reasons", c.ChangeDisputeReason, {
    "dispute_id": "DSP-0311", "reason_code": "delivery",
    "reason": "the goods left intact: the carrier damaged them",
}, "Change a dispute's reason code")
command_route(router, "/dispute-owners", c.AssignDisputeOwner, {
    "dispute_id": "DSP-0311", "owner": "team-logistics", "reason": "carrier claim",
}, "Give a dispute an owner (a person or team)")

reports = APIRouter(tags=["disputes"], dependencies=[Fresh],
                    responses={401: {}, 403: {}, 422: {}, 503: {}})


@reports.get("/reports/disputes", response_model=DisputeReport, operation_id="GetDisputeReport")
def dispute_report(models: ReadModelsDep, caller: CallerDep, start: PeriodStart,
                   end: PeriodEnd) -> DisputeReport:
    """Per reason code: disputes opened (count, amount), and of those resolved in the
    period the median cycle time and the share upheld."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    rows = [DisputeReasonRow(reason_code=f.reason_code, opened=f.opened, amounts=f.amounts,
                             resolved=f.resolved, median_cycle_days=f.median_cycle_days,
                             upheld_percent=f.upheld_percent)
            for f in models.dispute_report(start, end)]
    return DisputeReport(start=start, end=end, reasons=rows)


ROUTERS = [router, reports]
