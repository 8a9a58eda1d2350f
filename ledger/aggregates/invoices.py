"""Invoices and credit/debit notes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    DuplicateId,
    InvalidCommand,
    InvalidDates,
)
from ledger.aggregates.state import ExactDecimal, Invoice, Movement, made_from
from ledger.commands.receivables import AdjustInvoice, IssueInvoice
from ledger.money import positive


class InvoiceIssued(LedgerEvent):
    invoice_id: str
    currency: str
    amount: ExactDecimal
    issue_date: date
    due_date: date
    reference: str

    def apply(self, account: Any) -> None:
        invoice = made_from(Invoice, self)
        invoice.movements.append(
            Movement(self.issue_date, self.timestamp, "issued", self.amount, self.invoice_id)
        )
        account.invoices[self.invoice_id] = invoice
        if self.reference:
            account.external_ids[f"invoice:{self.reference}"] = self.invoice_id


class InvoiceAdjusted(LedgerEvent):
    """A credit note (kind ``credit``) lowers what is owed; a debit note raises it."""

    invoice_id: str
    note_id: str
    kind: str
    amount: ExactDecimal
    reason: str

    def apply(self, account: Any) -> None:
        invoice: Invoice = account.invoices[self.invoice_id]
        if self.kind == "credit":
            invoice.credit_notes += self.amount
            effect = -self.amount
        else:
            invoice.debit_notes += self.amount
            effect = self.amount
        invoice.movements.append(
            Movement(self.effective_on, self.timestamp, f"{self.kind}_note", effect, self.note_id)
        )


class InvoiceCommands(AccountState):
    def issue_invoice(self, ctx: CommandContext, cmd: IssueInvoice) -> None:
        if cmd.invoice_id in self.invoices:
            raise DuplicateId(f"invoice {cmd.invoice_id!r} already exists on {self.number}")
        value = positive(cmd.amount, cmd.currency)
        due = cmd.due_date or cmd.issue_date + timedelta(days=self.terms_days)
        if due < cmd.issue_date:
            raise InvalidDates(f"due date {due} is before issue date {cmd.issue_date}")
        self._record(InvoiceIssued, ctx, cmd, amount=value, due_date=due)

    def adjust_invoice(self, ctx: CommandContext, cmd: AdjustInvoice) -> None:
        invoice = self.invoice(cmd.invoice_id)
        if cmd.kind not in ("credit", "debit"):
            raise InvalidCommand(f"note kind must be 'credit' or 'debit', not {cmd.kind!r}")
        if any(m.ref == cmd.note_id for m in invoice.movements):
            raise DuplicateId(f"note {cmd.note_id!r} already applied to invoice {cmd.invoice_id!r}")
        self.check_dated_after_issue(invoice, ctx.effective_on)
        value = positive(cmd.amount, invoice.currency)
        if cmd.kind == "credit":
            self.check_reduction(invoice, value)
        self._record(InvoiceAdjusted, ctx, cmd, amount=value)

    @staticmethod
    def check_dated_after_issue(invoice: Invoice, day: date) -> None:
        """Nothing can happen to an invoice before it was issued."""
        if day < invoice.issue_date:
            raise InvalidDates(
                f"invoice {invoice.invoice_id!r} was only issued on {invoice.issue_date}, "
                f"not by {day}"
            )

    @staticmethod
    def check_reduction(invoice: Invoice, amount: Decimal) -> None:
        """Nothing may take an invoice below zero, nor eat into its disputed part."""
        if amount > invoice.outstanding:
            raise AmountExceedsOutstanding(
                f"{amount} {invoice.currency} exceeds the outstanding "
                f"{invoice.outstanding} of invoice {invoice.invoice_id!r}"
            )
        if amount > invoice.undisputed:
            raise AmountExceedsUndisputed(
                f"{amount} {invoice.currency} exceeds the undisputed {invoice.undisputed} "
                f"of invoice {invoice.invoice_id!r}: resolve the dispute first"
            )
