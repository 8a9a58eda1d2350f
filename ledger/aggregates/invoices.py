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
from ledger.aggregates.state import Invoice, Movement
from ledger.money import positive


class InvoiceIssued(LedgerEvent):
    invoice_id: str
    currency: str
    amount: Decimal
    issue_date: date
    due_date: date
    reference: str

    def apply(self, account: Any) -> None:
        invoice = Invoice(
            invoice_id=self.invoice_id,
            currency=self.currency,
            amount=self.amount,
            issue_date=self.issue_date,
            due_date=self.due_date,
            reference=self.reference,
        )
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
    amount: Decimal
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
    def issue_invoice(
        self,
        ctx: CommandContext,
        *,
        invoice_id: str,
        amount: Decimal,
        currency: str,
        issue_date: date,
        due_date: date | None = None,
        reference: str = "",
    ) -> None:
        if invoice_id in self.invoices:
            raise DuplicateId(f"invoice {invoice_id!r} already exists on {self.number}")
        value = positive(amount, currency)
        due = due_date or issue_date + timedelta(days=self.terms_days)
        if due < issue_date:
            raise InvalidDates(f"due date {due} is before issue date {issue_date}")
        self._record(
            InvoiceIssued,
            ctx,
            effective_on=issue_date,
            invoice_id=invoice_id,
            currency=currency,
            amount=value,
            issue_date=issue_date,
            due_date=due,
            reference=reference,
        )

    def adjust_invoice(
        self,
        ctx: CommandContext,
        *,
        invoice_id: str,
        note_id: str,
        kind: str,
        amount: Decimal,
        reason: str,
    ) -> None:
        invoice = self.invoice(invoice_id)
        if kind not in ("credit", "debit"):
            raise InvalidCommand(f"note kind must be 'credit' or 'debit', not {kind!r}")
        if any(m.ref == note_id for m in invoice.movements):
            raise DuplicateId(f"note {note_id!r} already applied to invoice {invoice_id!r}")
        self.check_dated_after_issue(invoice, ctx.effective_on)
        value = positive(amount, invoice.currency)
        if kind == "credit":
            self.check_reduction(invoice, value)
        self._record(
            InvoiceAdjusted,
            ctx,
            invoice_id=invoice_id,
            note_id=note_id,
            kind=kind,
            amount=value,
            reason=reason,
        )

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
