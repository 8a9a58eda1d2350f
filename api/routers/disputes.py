"""Disputes: an amount of one invoice contested by the debtor, then resolved."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["disputes"])

command_route(router, "/disputes", c.OpenDispute, {
    "dispute_id": "DSP-0311", "invoice_id": "INV-2026-0042", "amount": "200.00",
    "reason": "two pallets delivered damaged",
}, "Open a dispute on part of an invoice")
command_route(router, "/dispute-resolutions", c.ResolveDispute, {
    "dispute_id": "DSP-0311", "outcome": "upheld", "credit_amount": "150.00",
    "reason": "carrier confirmed damage to one pallet and a half",
}, "Resolve a dispute: upheld (credit note) or rejected")

ROUTERS = [router]
