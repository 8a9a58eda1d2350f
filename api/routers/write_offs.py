"""Write-offs (direct up to the threshold, otherwise requested and approved) and
recoveries of written-off amounts."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["write-offs"])

command_route(router, "/write-offs", c.WriteOff, {
    "invoice_id": "INV-2026-0042", "amount": "35.00", "reason": "short payment below tolerance",
}, "Write off part of an invoice directly (up to the four-eyes threshold)")
command_route(router, "/write-off-requests", c.RequestWriteOff, {
    "request_id": "WOR-0007", "invoice_id": "INV-2026-0042", "amount": "1250.00",
    "reason": "debtor in insolvency proceedings",
}, "Request a write-off for a manager's approval")
command_route(router, "/write-off-decisions", c.DecideWriteOff, {
    "request_id": "WOR-0007", "approve": True, "reason": "liquidator confirms no dividend",
}, "Approve or reject a write-off request (a different manager)")
command_route(router, "/recoveries", c.RecordRecovery, {
    "recovery_id": "REC-0003", "invoice_id": "INV-2026-0042", "amount": "120.00",
    "received_on": "2026-06-02",
}, "Record cash recovered against a written-off amount")

ROUTERS = [router]
