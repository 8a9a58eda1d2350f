"""How a payment's cash is spread over open invoices: pure functions.

Explicit allocations are applied exactly as given or rejected whole. Fitted ones
(a remittance row or bank message naming the invoice it pays) give each named
invoice as much as it can take, its undisputed outstanding; the rest stays
unapplied credit, and an invoice that can take nothing refuses the payment rather
than let it go elsewhere. Without them, cash goes to the undisputed part of open
invoices in the payment's currency, oldest due date first (ties: issue date, then
invoice id); what is left stays on the account as unapplied credit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    CurrencyMismatch,
    InvalidDates,
    InvoiceNotFound,
    NothingToPay,
    OverAllocation,
)
from ledger.aggregates.state import Allocation, Invoice
from ledger.money import positive


def allocate_oldest_first(
    invoices: Iterable[Invoice], currency: str, cash: Decimal, on: date | None = None
) -> list[Allocation]:
    """Only invoices issued by ``on`` (the allocation's business date) can take cash."""
    open_items = sorted(
        (
            i
            for i in invoices
            if i.currency == currency and i.undisputed > 0 and (on is None or i.issue_date <= on)
        ),
        key=lambda i: (i.due_date, i.issue_date, i.invoice_id),
    )
    allocations: list[Allocation] = []
    remaining = cash
    for invoice in open_items:
        if remaining <= 0:
            break
        take = min(remaining, invoice.undisputed)
        allocations.append(Allocation(invoice.invoice_id, take))
        remaining -= take
    return allocations


def _payable(
    invoices: dict[str, Invoice], currency: str, invoice_id: str, on: date | None
) -> Invoice:
    """The invoice a line names, if a ``currency`` payment dated ``on`` may pay it."""
    invoice = invoices.get(invoice_id)
    if invoice is None:
        raise InvoiceNotFound(f"allocation to unknown invoice {invoice_id!r}")
    if invoice.currency != currency:
        raise CurrencyMismatch(
            f"a {currency} payment cannot pay {invoice.currency} invoice {invoice.invoice_id!r}"
        )
    if on is not None and invoice.issue_date > on:
        raise InvalidDates(
            f"invoice {invoice.invoice_id!r} was issued on {invoice.issue_date}, after this "
            f"allocation's date {on}: record the payment, then allocate its credit"
        )
    return invoice


def fit_explicit(
    invoices: dict[str, Invoice],
    currency: str,
    cash: Decimal,
    requested: Sequence[Allocation],
    on: date | None = None,
) -> list[Allocation]:
    """Each line cut to what its invoice can still take (its undisputed outstanding, less
    what earlier lines took) and to the cash left; `NothingToPay` for a line whose
    invoice can take nothing. What no line takes stays unapplied credit."""
    fitted: list[Allocation] = []
    taken: dict[str, Decimal] = {}
    remaining = cash
    for line in requested:
        invoice = _payable(invoices, currency, line.invoice_id, on)
        room = invoice.undisputed - taken.get(invoice.invoice_id, Decimal(0))
        if room <= 0:
            raise NothingToPay(
                f"invoice {invoice.invoice_id!r} has nothing left to pay (outstanding "
                f"{invoice.outstanding} {currency}, disputed {invoice.disputed}); name no "
                "invoice to have the payment allocated automatically"
            )
        take = min(positive(line.amount, currency), room, remaining)
        if take > 0:
            fitted.append(Allocation(invoice.invoice_id, take))
            taken[invoice.invoice_id] = taken.get(invoice.invoice_id, Decimal(0)) + take
            remaining -= take
    return check_explicit(invoices, currency, cash, fitted, on)


def check_explicit(
    invoices: dict[str, Invoice],
    currency: str,
    cash: Decimal,
    requested: Sequence[Allocation],
    on: date | None = None,
) -> list[Allocation]:
    """Validate explicit allocations; merge repeats of one invoice; reject the lot on any error."""
    merged: dict[str, Decimal] = {}
    for allocation in requested:
        invoice = _payable(invoices, currency, allocation.invoice_id, on)
        amount = positive(allocation.amount, currency)
        merged[invoice.invoice_id] = merged.get(invoice.invoice_id, Decimal(0)) + amount
    for invoice_id, amount in merged.items():
        invoice = invoices[invoice_id]
        if amount > invoice.outstanding:
            raise AmountExceedsOutstanding(
                f"allocation of {amount} {currency} exceeds the outstanding "
                f"{invoice.outstanding} of invoice {invoice_id!r}"
            )
        if amount > invoice.undisputed:
            raise AmountExceedsUndisputed(
                f"allocation of {amount} {currency} reaches into the disputed part "
                f"of invoice {invoice_id!r}: resolve the dispute first"
            )
    total = sum(merged.values(), Decimal(0))
    if total > cash:
        raise OverAllocation(f"allocations total {total} {currency} but only {cash} is available")
    return [Allocation(invoice_id, amount) for invoice_id, amount in merged.items()]
