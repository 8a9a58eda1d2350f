"""Payment plans: a debt paid off in instalments."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["payment plans"])

command_route(router, "/payment-plans", c.AgreePaymentPlan, {
    "plan_id": "PLN-0052", "currency": "USD", "grace_days": 3,
    "instalments": [
        {"due_date": "2026-04-30", "amount": "400.00"},
        {"due_date": "2026-05-31", "amount": "400.00"},
        {"due_date": "2026-06-30", "amount": "450.00"},
    ],
}, "Agree a payment plan of instalments")

ROUTERS = [router]
