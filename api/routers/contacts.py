"""Contact attempts with the debtor, and the debtor's request that they stop."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import accounts as a
from ledger.commands import collections as c

router = APIRouter(prefix="/accounts/{account}", tags=["contacts"])

command_route(router, "/contacts", c.RecordContact, {
    "contact_id": "CT-20260402-0193", "channel": "call", "outcome": "conversation",
    "at": "2026-04-02T14:35:00Z", "purpose": "collection",
    "note": "spoke to AP clerk; payment run on Friday",
}, "Record a contact attempt (refused if the contact policy forbids it)")
command_route(router, "/cease-communication", a.RequestCeaseCommunication, {
    "reason": "debtor's written request of 2026-04-03",
}, "Record the debtor's request to cease communication")

ROUTERS = [router]
