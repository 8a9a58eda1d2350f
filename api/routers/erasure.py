"""Erasure of a debtor's personal data (compliance): the financial history stays."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import accounts as a

router = APIRouter(prefix="/accounts/{account}", tags=["compliance"])

command_route(router, "/personal-data-erasure", a.ErasePersonalData, {
    "reason": "GDPR art. 17 request DSR-2026-014, verified",
}, "Erase the account's personal data (crypto-shredding)")

ROUTERS = [router]
