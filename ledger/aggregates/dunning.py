"""Dunning steps, emitted by the daily tick."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.dunning_policy import AGENCY_PROPOSED, CREDIT_HOLD
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.standing import CreditHoldPlaced
from ledger.aggregates.state import Invoice


class ReminderSent(LedgerEvent):
    invoice_id: str
    level: str
    days_past_due: int
    skipped: tuple[str, ...]

    def apply(self, account: Any) -> None:
        invoice: Invoice = account.invoices[self.invoice_id]
        invoice.dunning_levels.extend([*self.skipped, self.level])


class AgencyPlacementProposed(LedgerEvent):
    invoice_id: str
    days_past_due: int

    def apply(self, account: Any) -> None:
        account.invoices[self.invoice_id].dunning_levels.append(AGENCY_PROPOSED)


class DunningCommands(AccountState):
    def dunning_blocked(self) -> bool:
        return self.cease_communication or self.agency_id is not None or self.legal_referral

    def run_dunning(self, ctx: CommandContext, day: date) -> None:
        if self.dunning_blocked():
            return
        policy = ctx.policies.dunning
        for invoice in sorted(self.invoices.values(), key=lambda i: (i.due_date, i.invoice_id)):
            days = (day - invoice.due_date).days
            if invoice.outstanding <= 0 or days < 1 or invoice.disputed > 0:
                continue
            step = policy.due_reminder(days, invoice.dunning_levels)
            if step is not None:
                self._record(ReminderSent, ctx, invoice, effective_on=day, level=step[0],
                             days_past_due=days, skipped=step[1])
            hold_due = days >= policy.credit_hold_at and CREDIT_HOLD not in invoice.dunning_levels
            if hold_due and not self.credit_hold:
                self._record(CreditHoldPlaced, ctx, invoice, effective_on=day,
                             reason=f"dunning: invoice {invoice.invoice_id} {days} days past due")
            if days >= policy.agency_at and AGENCY_PROPOSED not in invoice.dunning_levels:
                self._record(AgencyPlacementProposed, ctx, invoice, effective_on=day,
                             days_past_due=days)
