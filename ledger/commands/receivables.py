"""Commands that move money: invoices, notes, payments, allocations, reversals."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.commands.base import (
    Amount,
    BusinessDate,
    Command,
    Currency,
    Identifier,
    Reference,
    Text,
)
from ledger.input_limits import INVOICE_DAYS_AHEAD


class AllocationLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    invoice_id: Identifier
    amount: Amount


class IssueInvoice(Command):
    dated_by: ClassVar[str | None] = "issue_date"
    days_ahead: ClassVar[int] = INVOICE_DAYS_AHEAD
    invoice_id: Identifier
    amount: Amount
    currency: Currency
    issue_date: BusinessDate
    due_date: BusinessDate | None = None
    reference: Reference = ""


class AdjustInvoice(Command):
    invoice_id: Identifier
    note_id: Identifier
    kind: Literal["credit", "debit"]
    amount: Amount
    reason: Text = ""


class RecordPayment(Command):
    dated_by: ClassVar[str | None] = "received_on"
    payment_id: Identifier
    amount: Amount
    currency: Currency
    received_on: BusinessDate
    reference: Reference = ""
    method: Identifier = "bank_transfer"
    allocations: tuple[AllocationLine, ...] = ()
    fit_allocations: bool = Field(default=False, description=(
        "allocate each line only as much as its invoice can take (its undisputed "
        "outstanding), the rest staying unapplied credit; refused (nothing-to-pay) when "
        "a named invoice can take nothing. Without it, lines are applied exactly or "
        "refused whole."))
    leave_unapplied: bool = Field(default=False, description=(
        "keep the whole payment as unapplied credit, to be allocated later, rather than "
        "paying open invoices oldest due first; names no allocations"))

    def content(self) -> dict[str, Any]:
        """Without ``fit_allocations`` or ``leave_unapplied`` when off, so a payment sent
        before the options existed is still the same payment when it is sent again."""
        content = super().content()
        for option in ("fit_allocations", "leave_unapplied"):
            if not getattr(self, option):
                del content[option]
        return content


class AllocatePayment(Command):
    payment_id: Identifier
    allocations: tuple[AllocationLine, ...] = ()


class ReversePayment(Command):
    payment_id: Identifier
    reason: Text
