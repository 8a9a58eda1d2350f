"""Dunning steps, emitted by the daily tick (`dunning_run.plan_dunning` decides them).

Per invoice, ``ReminderSent`` records the level it reached (and the lower levels it
skipped), so each invoice reaches each level once; per account and run, one
``NoticeSent`` is what goes to the customer: at the highest level reached, listing
every invoice due a reminder with its level, channel, template and undisputed amount.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.dunning_policy import AGENCY_PROPOSED, STATEMENT, in_force
from ledger.aggregates.dunning_run import DunningPlan, Standing, plan_dunning
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.notices import book_issued, unused_notice_id
from ledger.aggregates.standing import CreditHoldPlaced
from ledger.aggregates.state import Invoice


class ReminderSent(LedgerEvent):
    """``invoice_id`` reached ``level`` (its notice is the run's `NoticeSent`; before
    notices, each reminder was its own)."""

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


class NoticeSent(LedgerEvent):
    """One notice to the customer for a dunning run: ``level`` is the highest reached, with
    its ``channel`` and ``template``; ``invoices`` lists each invoice with its own level."""

    notice_id: str
    level: str
    channel: str
    template: str
    segment: str
    policy_version: int
    invoices: tuple[dict[str, str | int], ...]
    credits: tuple[dict[str, str], ...] = ()
    """A statement's unapplied credit per currency (``currency``, ``amount``); a dunning
    notice lists none (and one recorded before the field has none)."""

    def apply(self, account: Any) -> None:
        if self.level != STATEMENT:  # a statement on demand starts no quiet period
            account.last_notice_on = self.effective_on
        book_issued(account, self.notice_id, self.channel)  # e-mails and letters


class DunningCommands(AccountState):
    last_notice_on: date | None = None
    """The day of the account's last notice (for the quiet period)."""

    def dunning_restriction(self) -> str | None:
        """Agency and legal first: they hold even a legally required notice, which
        cease-communication alone lets through."""
        if self.agency_id is not None:
            return "agency_placement"
        if self.legal_referral:
            return "legal_referral"
        return "cease_communication" if self.cease_communication else None

    def dunning_plan(self, ctx: CommandContext, day: date) -> DunningPlan:
        version = in_force(ctx.policies.dunning.versions(), day)
        standing = Standing(self.number, self.segment, list(self.invoices.values()),
                            self.dunning_restriction(), self.credit_hold, self.last_notice_on)
        return plan_dunning(standing, day, version)

    def run_dunning(self, ctx: CommandContext, day: date) -> None:
        plan = self.dunning_plan(ctx, day)
        for line in plan.lines:
            self._record(ReminderSent, ctx, line, effective_on=day)
        for invoice_id, action, days in plan.actions:
            invoice = self.invoices[invoice_id]
            if action == "credit_hold":
                self._record(CreditHoldPlaced, ctx, invoice, effective_on=day,
                             reason=f"dunning: invoice {invoice_id} {days} days past due")
            else:
                self._record(AgencyPlacementProposed, ctx, invoice, effective_on=day,
                             days_past_due=days)
        if plan.notice_level is not None:
            level = plan.notice_level
            notice_id = unused_notice_id(self, f"notice-{day:%Y%m%d}")
            self._record(NoticeSent, ctx, effective_on=day, notice_id=notice_id,
                         level=level.name, channel=level.channel, template=level.template,
                         segment=plan.segment, policy_version=plan.policy_version,
                         invoices=tuple(line.listed() for line in plan.lines), credits=())
