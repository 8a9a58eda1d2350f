"""Where the account stands: with an agency, with legal, on credit hold."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import accounts as a

router = APIRouter(prefix="/accounts/{account}", tags=["placements"])

command_route(router, "/agency-placements", a.PlaceWithAgency, {
    "agency_id": "AGY-ATLAS", "reason": "120 days past due, no contact for 30 days",
}, "Place the account with a collection agency")
command_route(router, "/agency-recalls", a.RecallFromAgency, {
    "reason": "debtor agreed a payment plan directly",
}, "Recall the account from its agency")
command_route(router, "/legal-referrals", a.ReferToLegal, {
    "reason": "agency returned the account unrecovered",
}, "Refer the account to legal")
command_route(router, "/legal-referral-withdrawals", a.WithdrawLegalReferral, {
    "reason": "debtor paid in full before the claim was filed",
}, "Withdraw the account's referral to legal")
command_route(router, "/credit-holds", a.PlaceCreditHold, {
    "reason": "60 days past due",
}, "Put the account on credit hold (no new orders)")
command_route(router, "/credit-hold-releases", a.ReleaseCreditHold, {
    "reason": "overdue balance cleared",
}, "Release the account's credit hold")

ROUTERS = [router]
