"""Requests waiting for a second person expire when nobody decides them in time.

A write-off request or a settlement request (a discount above the four-eyes threshold)
that is still undecided more than ``days`` days after it was made expires: the daily
tick records its expiry, dated the first day past the limit, and from that day on it can
no longer be approved or rejected; whoever still wants it asks again. The limit is
configuration (`ApprovalExpiry`), passed in like the four-eyes thresholds, so history
replays the same whatever it becomes: what is recorded is the expiry, not the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import ApprovalRequestExpired


@dataclass(frozen=True)
class ApprovalExpiry:
    days: int = 14
    """How many days after it was made a request may still be decided."""

    def expires_on(self, requested_on: date) -> date:
        """The first day on which the request can no longer be decided."""
        return requested_on + timedelta(days=self.days + 1)

    def check_undecided_in_time(self, what: str, requested_on: date, day: date) -> None:
        if day >= self.expires_on(requested_on):
            raise ApprovalRequestExpired(
                f"{what} made on {requested_on} expired on {self.expires_on(requested_on)}: "
                f"a request undecided after {self.days} days expires; ask again")


class WriteOffRequestExpired(LedgerEvent):
    request_id: str
    requested_on: date
    expiry_days: int

    def apply(self, account: Any) -> None:
        account.write_off_requests[self.request_id].status = "expired"


class SettlementRequestExpired(LedgerEvent):
    settlement_id: str
    requested_on: date
    expiry_days: int

    def apply(self, account: Any) -> None:
        settlement = account.settlements[self.settlement_id]
        settlement.status = "expired"
        settlement.resolved_on = self.effective_on


class ApprovalExpiryCommands(AccountState):
    def expire_requests(self, ctx: CommandContext, day: date) -> None:
        """The daily tick's part: every request past its limit on ``day`` expires, once."""
        expiry = ctx.policies.approval_expiry
        for request in list(self.write_off_requests.values()):
            requested_on = request.requested_on
            if request.status == "pending" and requested_on is not None \
                    and day >= expiry.expires_on(requested_on):
                self._record(WriteOffRequestExpired, ctx, request, requested_on=requested_on,
                             expiry_days=expiry.days, effective_on=expiry.expires_on(requested_on))
        for settlement in list(self.settlements.values()):
            if settlement.status == "pending_approval" \
                    and day >= expiry.expires_on(settlement.proposed_on):
                self._record(SettlementRequestExpired, ctx, settlement,
                             requested_on=settlement.proposed_on, expiry_days=expiry.days,
                             effective_on=expiry.expires_on(settlement.proposed_on))
