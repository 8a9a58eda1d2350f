"""The bank accounts a customer pays from, and its virtual accounts: set by a person, so
matching knows the customer by them (docs/cash-application.md, *Matching*)."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands.cash import RecordPayerAccount

router = APIRouter(prefix="/accounts/{account}", tags=["cash application"])

command_route(router, "/payer-accounts", RecordPayerAccount, {
    "bank_account": "DE89 3704 0044 0532 0130 00", "kind": "bank_account",
    "reason": "customer's treasury account, from their remittance advice",
}, "Record a bank account (or virtual account) that identifies this customer's payments")

ROUTERS = [router]
