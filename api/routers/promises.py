"""Promises to pay, obtained by agents."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["promises"])

command_route(router, "/promises", c.MakePromise, {
    "promise_id": "PTP-1187", "amount": "750.00", "currency": "USD",
    "due_date": "2026-04-15", "grace_days": 2,
}, "Record a promise to pay an amount by a date")

ROUTERS = [router]
