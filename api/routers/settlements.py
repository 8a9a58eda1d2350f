"""Settlements: less than the balance accepted in full satisfaction (four eyes above
the threshold)."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["settlements"])

command_route(router, "/settlements", c.AgreeSettlement, {
    "settlement_id": "STL-0019", "amount": "9000.00", "currency": "USD",
    "due_by": "2026-04-30",
}, "Agree a settlement (a request when its discount needs approval)")
command_route(router, "/settlement-decisions", c.DecideSettlement, {
    "settlement_id": "STL-0019", "approve": True, "reason": "better than agency recovery rates",
}, "Approve or reject a requested settlement (a different manager)")

ROUTERS = [router]
