"""The small model the state-machine test checks the ledger against.

It knows only what each command should do to amounts, so a rule broken in the
aggregate shows up as a disagreement rather than as a copy of the same bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

PLACES = {"USD": 2, "JPY": 0}
CURRENCIES = tuple(PLACES)
THRESHOLD = Decimal(1000)
SNAPSHOT_EVERY = 5
START = date(2026, 1, 5)
BACKDATE = st.sampled_from((0, 0, 1, 3))


def has_undisputed_part(invoice: ModelInvoice) -> bool:
    return invoice.undisputed > 0


def money(currency: str, units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES[currency])


def units(currency: str, amount: Decimal) -> int:
    return int(amount.scaleb(PLACES[currency]))


@dataclass
class ModelInvoice:
    currency: str
    amount: Decimal
    issue_date: date
    due_date: date
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    written_off: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    disputed: Decimal = Decimal(0)

    @property
    def outstanding(self) -> Decimal:
        return self.amount + self.debit - self.credit - self.allocated - self.written_off

    @property
    def undisputed(self) -> Decimal:
        return self.outstanding - self.disputed


@dataclass
class ModelPayment:
    currency: str
    amount: Decimal
    received_on: date
    allocations: dict[str, Decimal] = field(default_factory=dict)
    reversed: bool = False
    refunded: Decimal = Decimal(0)

    @property
    def unapplied(self) -> Decimal:
        return Decimal(0) if self.reversed else (
            self.amount - sum(self.allocations.values()) - self.refunded)


@dataclass
class ModelClaim:
    """A dispute or a write-off request: an amount of one invoice, open until decided."""

    invoice_id: str
    amount: Decimal
    raised_by: str
    open: bool = True
    raised_on: date | None = None
    """A write-off request's day: undecided past the approval expiry, it can no longer be."""


@dataclass
class ModelAccount:
    """What a credit controller with a spreadsheet would know about one account."""

    terms_days: int
    invoices: dict[str, ModelInvoice] = field(default_factory=dict)
    payments: dict[str, ModelPayment] = field(default_factory=dict)
    disputes: dict[str, ModelClaim] = field(default_factory=dict)
    requests: dict[str, ModelClaim] = field(default_factory=dict)
    promise: dict[str, Any] | None = None

    @property
    def allocatable(self) -> list[ModelPayment]:
        """Payments with credit left while an invoice in their currency is open."""
        open_in = {i.currency for i in self.invoices.values() if i.undisputed > 0}
        return [p for p in self.payments.values() if p.unapplied > 0 and p.currency in open_in]

    @property
    def live_payments(self) -> list[ModelPayment]:
        return [p for p in self.payments.values() if not p.reversed]

    @property
    def open_disputes(self) -> list[ModelClaim]:
        return [d for d in self.disputes.values() if d.open]

    @property
    def pending_requests(self) -> list[ModelClaim]:
        return [r for r in self.requests.values() if r.open]

    @property
    def recoverable(self) -> list[ModelInvoice]:
        return [i for i in self.invoices.values() if i.written_off > i.recovered]

    def currencies_owed(self) -> list[str]:
        return sorted({i.currency for i in self.invoices.values() if i.outstanding > 0})

    def owed(self, currency: str) -> Decimal:
        return sum(
            (i.outstanding for i in self.invoices.values() if i.currency == currency), Decimal(0)
        )

    def oldest_due_first(self, currency: str, cash: Decimal, on: date) -> dict[str, Decimal]:
        """Cash dated ``on`` can only pay invoices already issued by then."""
        chosen: dict[str, Decimal] = {}
        items = sorted(
            (i.due_date, i.issue_date, invoice_id)
            for invoice_id, i in self.invoices.items()
            if i.currency == currency and i.undisputed > 0 and i.issue_date <= on
        )
        for _, _, invoice_id in items:
            take = min(cash, self.invoices[invoice_id].undisputed)
            if take <= 0:
                break
            chosen[invoice_id] = take
            cash -= take
        return chosen

    def explicit(
        self, currency: str, cash: Decimal, lines: list[tuple[str, Decimal]], on: date
    ) -> dict[str, Decimal] | None:
        merged: dict[str, Decimal] = {}
        for invoice_id, amount in lines:
            invoice = self.invoices.get(invoice_id)
            if invoice is None or invoice.currency != currency or invoice.issue_date > on:
                return None
            merged[invoice_id] = merged.get(invoice_id, Decimal(0)) + amount
        fits = all(amount <= self.invoices[i].undisputed for i, amount in merged.items())
        return merged if fits and sum(merged.values(), Decimal(0)) <= cash else None

    def apply_allocation(self, payment_id: str, chosen: dict[str, Decimal]) -> None:
        payment = self.payments[payment_id]
        for invoice_id, amount in chosen.items():
            self.invoices[invoice_id].allocated += amount
            already = payment.allocations.get(invoice_id, Decimal(0))
            payment.allocations[invoice_id] = already + amount

    def review_promise(self, day: date) -> None:
        """Cash received in the promise's window keeps it; a reviewed day past it breaks it."""
        promise = self.promise
        if promise is None or promise["status"] != "open":
            return
        received = sum(
            (
                p.amount
                for p in self.payments.values()
                if p.currency == promise["currency"]
                and not p.reversed
                and promise["made_on"] <= p.received_on <= promise["deadline"]
            ),
            Decimal(0),
        )
        if received >= promise["amount"]:
            promise["status"] = "kept"
        elif day > promise["deadline"]:
            promise["status"] = "broken"
