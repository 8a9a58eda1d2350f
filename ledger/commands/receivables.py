"""Commands that move money: invoices, notes, payments, allocations, reversals."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ledger.aggregates.state import Allocation
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
from ledger.unit_of_work import Handler, UnitOfWork


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


class AllocatePayment(Command):
    payment_id: Identifier
    allocations: tuple[AllocationLine, ...] = ()


class ReversePayment(Command):
    payment_id: Identifier
    reason: Text


def _allocations(lines: tuple[AllocationLine, ...]) -> list[Allocation]:
    return [Allocation(line.invoice_id, line.amount) for line in lines]


def issue_invoice(cmd: IssueInvoice, uow: UnitOfWork) -> None:
    uow.account().issue_invoice(
        uow.context(cmd.issue_date),
        invoice_id=cmd.invoice_id,
        amount=cmd.amount,
        currency=cmd.currency,
        issue_date=cmd.issue_date,
        due_date=cmd.due_date,
        reference=cmd.reference,
    )


def adjust_invoice(cmd: AdjustInvoice, uow: UnitOfWork) -> None:
    uow.account().adjust_invoice(
        uow.context(),
        invoice_id=cmd.invoice_id,
        note_id=cmd.note_id,
        kind=cmd.kind,
        amount=cmd.amount,
        reason=cmd.reason,
    )


def record_payment(cmd: RecordPayment, uow: UnitOfWork) -> None:
    uow.account().record_payment(
        uow.context(cmd.received_on),
        payment_id=cmd.payment_id,
        amount=cmd.amount,
        currency=cmd.currency,
        received_on=cmd.received_on,
        reference=cmd.reference,
        method=cmd.method,
        allocations=_allocations(cmd.allocations) or None,
    )


def allocate_payment(cmd: AllocatePayment, uow: UnitOfWork) -> None:
    uow.account().allocate_payment(
        uow.context(),
        payment_id=cmd.payment_id,
        allocations=_allocations(cmd.allocations) or None,
    )


def reverse_payment(cmd: ReversePayment, uow: UnitOfWork) -> None:
    uow.account().reverse_payment(uow.context(), payment_id=cmd.payment_id, reason=cmd.reason)


HANDLERS: dict[type[Command], Handler] = {
    IssueInvoice: issue_invoice,
    AdjustInvoice: adjust_invoice,
    RecordPayment: record_payment,
    AllocatePayment: allocate_payment,
    ReversePayment: reverse_payment,
}
