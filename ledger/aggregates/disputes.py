"""Disputes over part or all of one invoice.

While open, the disputed amount stays in its aging bucket but is not collected:
automatic allocation skips it, reductions may not eat into it, dunning and
collection contact about it pause. Upheld, it becomes a credit note (for the
whole amount or a stated smaller one) and the rest is collectible again.
"""

from __future__ import annotations

from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.dispute_reasons import OTHER, check_reason_code
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    AmountExceedsUndisputed,
    DisputeNotOpen,
    DuplicateId,
    InvalidAmount,
    InvalidCommand,
)
from ledger.aggregates.invoices import InvoiceAdjusted, InvoiceCommands
from ledger.aggregates.state import Dispute, ExactDecimal, made_from
from ledger.commands.collections import (
    AssignDisputeOwner,
    ChangeDisputeReason,
    OpenDispute,
    ResolveDispute,
)
from ledger.money import normalise, positive

OUTCOMES = ("upheld", "rejected")


class DisputeOpened(LedgerEvent):
    """``reason_code`` and ``owner`` came later: an event stored before them has neither in
    its stored (and hashed) state, and reads them as these class defaults, so its content,
    its digest and its message stay as they were (docs/events.md, *Compatibility*)."""

    dispute_id: str
    invoice_id: str
    amount: ExactDecimal
    reason: str
    reason_code: str = OTHER
    owner: str | None = None

    def apply(self, account: Any) -> None:
        account.disputes[self.dispute_id] = made_from(
            Dispute, self, opened_on=self.effective_on, opened_at=self.timestamp
        )
        account.invoices[self.invoice_id].disputed += self.amount


class DisputeResolved(LedgerEvent):
    dispute_id: str
    outcome: str
    credited: ExactDecimal
    reason: str

    def apply(self, account: Any) -> None:
        dispute: Dispute = account.disputes[self.dispute_id]
        dispute.status = "resolved"
        dispute.outcome = self.outcome
        dispute.credited = self.credited
        dispute.resolved_on = self.effective_on
        dispute.resolved_at = self.timestamp
        account.invoices[dispute.invoice_id].disputed -= dispute.amount


class DisputeReasonChanged(LedgerEvent):
    dispute_id: str
    reason_code: str
    previous_code: str
    reason: str

    def apply(self, account: Any) -> None:
        account.disputes[self.dispute_id].reason_code = self.reason_code


class DisputeOwnerAssigned(LedgerEvent):
    dispute_id: str
    owner: str
    previous_owner: str | None
    reason: str

    def apply(self, account: Any) -> None:
        account.disputes[self.dispute_id].owner = self.owner


class DisputeCommands(AccountState):
    def open_dispute(self, ctx: CommandContext, cmd: OpenDispute) -> None:
        if cmd.dispute_id in self.disputes:
            raise DuplicateId(f"dispute {cmd.dispute_id!r} already exists")
        invoice = self.invoice(cmd.invoice_id)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        value = positive(cmd.amount, invoice.currency)
        if value > invoice.undisputed:
            raise AmountExceedsUndisputed(
                f"disputed {value} {invoice.currency} exceeds the undisputed outstanding "
                f"{invoice.undisputed} of invoice {cmd.invoice_id!r}"
            )
        check_reason_code(cmd.reason_code, ctx.policies.dispute_reasons)
        self._record(DisputeOpened, ctx, cmd, amount=value)

    def change_dispute_reason(self, ctx: CommandContext, cmd: ChangeDisputeReason) -> None:
        """Allowed after resolution too: root-cause analysis may reclassify a dispute."""
        dispute = self.dispute(cmd.dispute_id)
        check_reason_code(cmd.reason_code, ctx.policies.dispute_reasons)
        if cmd.reason_code == dispute.reason_code:
            raise InvalidCommand(f"dispute {cmd.dispute_id!r} already has reason "
                                 f"{cmd.reason_code!r}")
        self._record(DisputeReasonChanged, ctx, cmd, previous_code=dispute.reason_code)

    def assign_dispute_owner(self, ctx: CommandContext, cmd: AssignDisputeOwner) -> None:
        dispute = self.dispute(cmd.dispute_id)
        if dispute.status != "open":
            raise DisputeNotOpen(f"dispute {cmd.dispute_id!r} is already resolved")
        if cmd.owner == dispute.owner:
            raise InvalidCommand(f"dispute {cmd.dispute_id!r} is already owned by {cmd.owner!r}")
        self._record(DisputeOwnerAssigned, ctx, cmd, previous_owner=dispute.owner)

    def resolve_dispute(self, ctx: CommandContext, cmd: ResolveDispute) -> None:
        dispute = self.dispute(cmd.dispute_id)
        if dispute.status != "open":
            raise DisputeNotOpen(f"dispute {cmd.dispute_id!r} is already resolved")
        if cmd.outcome not in OUTCOMES:
            raise InvalidCommand(f"outcome must be one of {OUTCOMES}, not {cmd.outcome!r}")
        if ctx.effective_on < dispute.opened_on:
            raise InvalidCommand("a dispute cannot be resolved before it was opened")
        currency = self.invoices[dispute.invoice_id].currency
        credited = normalise(0, currency)
        if cmd.outcome == "upheld":
            credited = (
                dispute.amount
                if cmd.credit_amount is None
                else positive(cmd.credit_amount, currency)
            )
            if credited > dispute.amount:
                raise InvalidAmount(
                    f"credit {credited} exceeds the disputed amount {dispute.amount}"
                )
        elif cmd.credit_amount is not None:
            raise InvalidCommand("a rejected dispute carries no credit note")
        self._record(DisputeResolved, ctx, cmd, credited=credited)
        if credited > 0:
            self._record(
                InvoiceAdjusted,
                ctx,
                dispute,
                note_id=f"{dispute.dispute_id}:credit",
                kind="credit",
                amount=credited,
                reason=f"dispute {dispute.dispute_id} upheld",
            )
