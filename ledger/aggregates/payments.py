"""Payments: receipt, allocation to invoices, unapplied credit, reversal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.allocation import allocate_oldest_first, check_explicit, fit_explicit
from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    DuplicateId,
    InvalidCommand,
    InvalidDates,
    PaymentAlreadyReversed,
)
from ledger.aggregates.state import Allocation, ExactDecimal, Invoice, Movement, Payment, made_from
from ledger.commands.receivables import (
    AllocatePayment,
    AllocationLine,
    RecordPayment,
    ReversePayment,
)
from ledger.money import positive


class PaymentReceived(LedgerEvent):
    payment_id: str
    currency: str
    amount: ExactDecimal
    received_on: date
    reference: str
    method: str

    def apply(self, account: Any) -> None:
        payment = made_from(Payment, self)
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
    unapplied_removed: ExactDecimal

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
    def record_payment(self, ctx: CommandContext, cmd: RecordPayment) -> None:
        if cmd.payment_id in self.payments:
            raise DuplicateId(f"payment {cmd.payment_id!r} already recorded on {self.number}")
        if cmd.reference and f"payment:{cmd.reference}" in self.external_ids:
            raise DuplicateId(f"a payment with reference {cmd.reference!r} is already recorded")
        cash = positive(cmd.amount, cmd.currency)
        if cmd.leave_unapplied and cmd.allocations:
            raise InvalidCommand("leave_unapplied keeps the payment as credit: name no "
                                 "allocations")
        chosen = [] if cmd.leave_unapplied else self._allocate(
            cmd.currency, cash, cmd.allocations, ctx.effective_on, fit=cmd.fit_allocations)
        self._record(PaymentReceived, ctx, cmd, amount=cash)
        if chosen:
            self._record(PaymentAllocated, ctx, cmd, allocations=tuple(chosen),
                         automatic=not cmd.allocations)
        self.review_arrangements(ctx, ctx.effective_on)

    def allocate_payment(self, ctx: CommandContext, cmd: AllocatePayment) -> None:
        """Apply a payment's unapplied credit, explicitly or oldest due first."""
        payment = self.payment(cmd.payment_id)
        if payment.reversed:
            raise PaymentAlreadyReversed(f"payment {cmd.payment_id!r} was reversed")
        credit = payment.unapplied
        if credit <= 0:
            raise InvalidCommand(f"payment {cmd.payment_id!r} has no unapplied credit")
        chosen = self._allocate(payment.currency, credit, cmd.allocations, ctx.effective_on)
        if not chosen:
            raise InvalidCommand(f"no open {payment.currency} invoice to allocate to")
        self._record(PaymentAllocated, ctx, cmd, allocations=tuple(chosen),
                     automatic=not cmd.allocations)

    def _allocate(
        self, currency: str, cash: Decimal, lines: Sequence[AllocationLine], on: date,
        *, fit: bool = False,
    ) -> list[Allocation]:
        """As the lines say (``fit``: each cut to what its invoice can take), or oldest due
        first when there are none."""
        if lines:
            requested = [Allocation(line.invoice_id, line.amount) for line in lines]
            decide = fit_explicit if fit else check_explicit
            return decide(self.invoices, currency, cash, requested, on)
        return allocate_oldest_first(self.invoices.values(), currency, cash, on)

    def reverse_payment(self, ctx: CommandContext, cmd: ReversePayment) -> None:
        payment = self.payment(cmd.payment_id)
        if payment.reversed:
            raise PaymentAlreadyReversed(f"payment {cmd.payment_id!r} was already reversed")
        latest = max(m.on for m in payment.movements)
        if ctx.effective_on < latest:
            raise InvalidDates(f"payment {cmd.payment_id!r} cannot be reversed before {latest}")
        reopened = tuple(
            Allocation(invoice_id, amount)
            for invoice_id, amount in sorted(payment.allocations.items())
            if amount > 0
        )
        self._record(PaymentReversed, ctx, cmd, reopened=reopened,
                     unapplied_removed=payment.unapplied)
