"""Refunds of unapplied credit: money paid back to the customer (docs/cash-application.md,
*Refunds*)."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands.cash import RefundCredit

router = APIRouter(prefix="/accounts/{account}", tags=["cash application"])

command_route(router, "/credit-refunds", RefundCredit, {
    "refund_id": "RFD-2026-0007", "amount": "50.00", "currency": "EUR",
    "bank_reference": "SEPA-OUT-20260302-0042",
    "reason": "overpaid INV-2026-0042; customer asked for the difference back",
}, "Refund unapplied credit to the customer, naming the bank transfer that paid it")

ROUTERS = [router]
