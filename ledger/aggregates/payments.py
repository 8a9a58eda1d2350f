"""Payments: receipt, allocation to invoices, unapplied credit, reversal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.allocation import allocate_oldest_first, check_explicit
from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    DuplicateId,
    InvalidCommand,
    InvalidDates,
    PaymentAlreadyReversed,
)
from ledger.aggregates.state import Allocation, Invoice, Movement, Payment
from ledger.money import positive


class PaymentReceived(LedgerEvent):
    payment_id: str
    currency: str
    amount: Decimal
    received_on: date
    reference: str
    method: str

    def apply(self, account: Any) -> None:
        payment = Payment(
            payment_id=self.payment_id,
            currency=self.currency,
            amount=self.amount,
            received_on=self.received_on,
            reference=self.reference,
        )
        payment.movements.append(
            Movement(self.received_on, self.timestamp, "received", self.amount, self.payment_id)
        )
        account.payments[self.payment_id] = payment
        if self.reference:
            account.external_ids[f"payment:{self.reference}"] = self.payment_id


class PaymentAllocated(LedgerEvent):
    payment_id: str
    allocations: tuple[Allocation, ...]
    automatic: bool

    def apply(self, account: Any) -> None:
        payment: Payment = account.payments[self.payment_id]
        for allocation in self.allocations:
            invoice: Invoice = account.invoices[allocation.invoice_id]
            invoice.allocated += allocation.amount
            invoice.movements.append(
                Movement(
                    self.effective_on,
                    self.timestamp,
                    "allocation",
                    -allocation.amount,
                    self.payment_id,
                )
            )
            payment.allocations[allocation.invoice_id] = (
                payment.allocations.get(allocation.invoice_id, Decimal(0)) + allocation.amount
            )
            payment.movements.append(
                Movement(
                    self.effective_on,
                    self.timestamp,
                    "allocation",
                    -allocation.amount,
                    allocation.invoice_id,
                )
            )


class PaymentReversed(LedgerEvent):
    """A bounced payment or chargeback: its allocations re-open, its credit vanishes."""

    payment_id: str
    reason: str
    reopened: tuple[Allocation, ...]
    unapplied_removed: Decimal

    def apply(self, account: Any) -> None:
        payment: Payment = account.payments[self.payment_id]
        for allocation in self.reopened:
            invoice: Invoice = account.invoices[allocation.invoice_id]
            invoice.allocated -= allocation.amount
            invoice.movements.append(
                Movement(
                    self.effective_on,
                    self.timestamp,
                    "reversal",
                    allocation.amount,
                    self.payment_id,
                )
            )
        payment.movements.append(
            Movement(
                self.effective_on,
                self.timestamp,
                "reversal",
                -self.unapplied_removed,
                self.payment_id,
            )
        )
        payment.reversed = True


class PaymentCommands(AccountState):
    def record_payment(
        self,
        ctx: CommandContext,
        *,
        payment_id: str,
        amount: Decimal,
        currency: str,
        received_on: date,
        reference: str = "",
        method: str = "bank_transfer",
        allocations: Sequence[Allocation] | None = None,
    ) -> None:
        if payment_id in self.payments:
            raise DuplicateId(f"payment {payment_id!r} already recorded on {self.number}")
        if reference and f"payment:{reference}" in self.external_ids:
            raise DuplicateId(f"a payment with reference {reference!r} is already recorded")
        cash = positive(amount, currency)
        if allocations:
            chosen = check_explicit(self.invoices, currency, cash, allocations, received_on)
        else:
            chosen = allocate_oldest_first(self.invoices.values(), currency, cash, received_on)
        self._record(
            PaymentReceived,
            ctx,
            effective_on=received_on,
            payment_id=payment_id,
            currency=currency,
            amount=cash,
            received_on=received_on,
            reference=reference,
            method=method,
        )
        if chosen:
            self._record(
                PaymentAllocated,
                ctx,
                effective_on=received_on,
                payment_id=payment_id,
                allocations=tuple(chosen),
                automatic=not allocations,
            )
        self.review_arrangements(ctx, received_on)

    def allocate_payment(
        self,
        ctx: CommandContext,
        *,
        payment_id: str,
        allocations: Sequence[Allocation] | None = None,
    ) -> None:
        """Apply a payment's unapplied credit, explicitly or oldest due first."""
        payment = self.payment(payment_id)
        if payment.reversed:
            raise PaymentAlreadyReversed(f"payment {payment_id!r} was reversed")
        credit = payment.unapplied
        if credit <= 0:
            raise InvalidCommand(f"payment {payment_id!r} has no unapplied credit")
        if allocations:
            chosen = check_explicit(
                self.invoices, payment.currency, credit, allocations, ctx.effective_on
            )
        else:
            chosen = allocate_oldest_first(
                self.invoices.values(), payment.currency, credit, ctx.effective_on
            )
        if not chosen:
            raise InvalidCommand(f"no open {payment.currency} invoice to allocate to")
        self._record(
            PaymentAllocated,
            ctx,
            payment_id=payment_id,
            allocations=tuple(chosen),
            automatic=not allocations,
        )

    def reverse_payment(self, ctx: CommandContext, *, payment_id: str, reason: str) -> None:
        payment = self.payment(payment_id)
        if payment.reversed:
            raise PaymentAlreadyReversed(f"payment {payment_id!r} was already reversed")
        latest = max(m.on for m in payment.movements)
        if ctx.effective_on < latest:
            raise InvalidDates(f"payment {payment_id!r} cannot be reversed before {latest}")
        reopened = tuple(
            Allocation(invoice_id, amount)
            for invoice_id, amount in sorted(payment.allocations.items())
            if amount > 0
        )
        self._record(
            PaymentReversed,
            ctx,
            payment_id=payment_id,
            reason=reason,
            reopened=reopened,
            unapplied_removed=payment.unapplied,
        )
