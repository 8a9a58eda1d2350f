"""Properties of the pure allocation functions, over random sets of open invoices.

Invoices come in USD and JPY (two minor units and none), partly paid and partly
disputed, with due dates close together so that the tie-breaks (issue date,
then invoice id) are exercised as often as the due dates themselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ledger.aggregates.allocation import allocate_oldest_first, check_explicit
from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    CurrencyMismatch,
    InvalidDates,
    InvoiceNotFound,
    LedgerError,
    OverAllocation,
)
from ledger.aggregates.state import Allocation, Invoice

PLACES = {"USD": 2, "JPY": 0}
START = date(2026, 3, 1)
currencies = st.sampled_from(sorted(PLACES))


def money(currency: str, units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES[currency])


@st.composite
def open_invoice(draw: st.DrawFn, invoice_id: str) -> Invoice:
    currency = draw(st.sampled_from(sorted(PLACES)))
    amount = draw(st.integers(1, 50_000))
    paid = draw(st.integers(0, amount))
    disputed = draw(st.integers(0, amount - paid))
    issued = START + timedelta(days=draw(st.integers(0, 4)))
    return Invoice(
        invoice_id=invoice_id,
        currency=currency,
        amount=money(currency, amount),
        issue_date=issued,
        due_date=issued + timedelta(days=draw(st.integers(0, 4))),
        reference="",
        allocated=money(currency, paid),
        disputed=money(currency, disputed),
    )


@st.composite
def ledger_invoices(draw: st.DrawFn, min_size: int = 0) -> dict[str, Invoice]:
    ids = draw(
        st.lists(
            st.integers(0, 99).map("INV-{:02d}".format), unique=True, min_size=min_size, max_size=8
        )
    )
    return {invoice_id: draw(open_invoice(invoice_id)) for invoice_id in ids}


def cash_in(currency: str) -> st.SearchStrategy[Decimal]:
    return st.integers(1, 200_000).map(lambda units: money(currency, units))


def sort_key(invoice: Invoice) -> tuple[date, date, str]:
    return (invoice.due_date, invoice.issue_date, invoice.invoice_id)


def eligible(invoices: dict[str, Invoice], currency: str, on: date | None) -> list[Invoice]:
    return [
        i
        for i in invoices.values()
        if i.currency == currency and i.undisputed > 0 and (on is None or i.issue_date <= on)
    ]


payment_dates = st.none() | st.integers(0, 5).map(lambda d: START + timedelta(days=d))


@given(
    invoices=ledger_invoices(),
    currency=currencies,
    units=st.integers(1, 200_000),
    on=payment_dates,
)
def test_automatic_allocation_never_exceeds_cash_nor_any_undisputed_outstanding(
    invoices: dict[str, Invoice], currency: str, units: int, on: date | None
) -> None:
    cash = money(currency, units)
    chosen = allocate_oldest_first(invoices.values(), currency, cash, on)
    assert sum((a.amount for a in chosen), Decimal(0)) <= cash
    assert len({a.invoice_id for a in chosen}) == len(chosen)
    for allocation in chosen:
        invoice = invoices[allocation.invoice_id]
        assert invoice.currency == currency
        assert 0 < allocation.amount <= invoice.undisputed
        assert on is None or invoice.issue_date <= on


@given(
    invoices=ledger_invoices(),
    currency=currencies,
    units=st.integers(1, 200_000),
    on=payment_dates,
)
def test_automatic_allocation_pays_oldest_due_first(
    invoices: dict[str, Invoice], currency: str, units: int, on: date | None
) -> None:
    """No invoice gets money while one due earlier (ties: issued earlier, lower id) still
    has an undisputed amount left open."""
    chosen = {
        a.invoice_id: a.amount
        for a in allocate_oldest_first(invoices.values(), currency, money(currency, units), on)
    }
    candidates = eligible(invoices, currency, on)
    for paid in chosen:
        for earlier in candidates:
            if sort_key(earlier) < sort_key(invoices[paid]):
                assert chosen.get(earlier.invoice_id) == earlier.undisputed, earlier.invoice_id


@given(
    invoices=ledger_invoices(),
    currency=currencies,
    units=st.integers(1, 200_000),
    on=payment_dates,
)
def test_automatic_allocation_applies_the_cash_or_everything_undisputed_whichever_is_less(
    invoices: dict[str, Invoice], currency: str, units: int, on: date | None
) -> None:
    cash = money(currency, units)
    chosen = allocate_oldest_first(invoices.values(), currency, cash, on)
    undisputed = sum((i.undisputed for i in eligible(invoices, currency, on)), Decimal(0))
    assert sum((a.amount for a in chosen), Decimal(0)) == min(cash, undisputed)


@given(
    invoices=ledger_invoices(),
    currency=currencies,
    units=st.integers(1, 200_000),
    data=st.data(),
)
def test_automatic_allocation_does_not_depend_on_the_order_invoices_are_listed(
    invoices: dict[str, Invoice], currency: str, units: int, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(list(invoices.values())))
    cash = money(currency, units)
    assert allocate_oldest_first(shuffled, currency, cash) == allocate_oldest_first(
        invoices.values(), currency, cash
    )


# -- explicit allocations -----------------------------------------------------------------


@st.composite
def fitting_request(
    draw: st.DrawFn, invoices: dict[str, Invoice], currency: str
) -> list[Allocation]:
    """Lines within each invoice's undisputed amount, an invoice sometimes named twice."""
    payable = sorted(i.invoice_id for i in eligible(invoices, currency, None))
    assume(payable)
    lines = []
    for invoice_id in draw(st.lists(st.sampled_from(payable), min_size=1, max_size=4, unique=True)):
        room = int(invoices[invoice_id].undisputed.scaleb(PLACES[currency]))
        first = draw(st.integers(1, room))
        lines.append(Allocation(invoice_id, money(currency, first)))
        if first < room and draw(st.booleans()):
            second = draw(st.integers(1, room - first))
            lines.append(Allocation(invoice_id, money(currency, second)))
    return lines


def total(lines: list[Allocation]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_allocations_within_cash_and_undisputed_amounts_are_applied_as_given(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    lines = data.draw(fitting_request(invoices, currency))
    cash = total(lines) + data.draw(st.integers(0, 1000).map(lambda u: money(currency, u)))
    chosen = check_explicit(invoices, currency, cash, lines)
    merged: dict[str, Decimal] = {}
    for line in lines:
        merged[line.invoice_id] = merged.get(line.invoice_id, Decimal(0)) + line.amount
    assert {a.invoice_id: a.amount for a in chosen} == merged
    assert len(chosen) == len(merged)


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_allocations_beyond_the_cash_are_rejected(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    lines = data.draw(fitting_request(invoices, currency))
    short = data.draw(st.integers(1, int(total(lines).scaleb(PLACES[currency]))))
    with pytest.raises(OverAllocation):
        check_explicit(invoices, currency, total(lines) - money(currency, short), lines)


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_allocation_beyond_an_invoice_is_rejected_whatever_the_cash(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    lines = data.draw(fitting_request(invoices, currency))
    target = invoices[lines[0].invoice_id]
    excess = data.draw(st.integers(1, 10_000).map(lambda u: money(currency, u)))
    too_much = target.undisputed + excess
    lines = [line for line in lines if line.invoice_id != target.invoice_id]
    lines.insert(data.draw(st.integers(0, len(lines))), Allocation(target.invoice_id, too_much))
    expected: type[LedgerError] = AmountExceedsUndisputed
    if too_much > target.outstanding:
        expected = AmountExceedsOutstanding
    with pytest.raises(expected):
        check_explicit(invoices, currency, total(lines) * 2, lines)


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_lines_naming_one_invoice_twice_are_judged_on_their_sum(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    payable = sorted(i.invoice_id for i in eligible(invoices, currency, None))
    assume(payable)
    target = invoices[data.draw(st.sampled_from(payable))]
    room = int(target.undisputed.scaleb(PLACES[currency]))
    first = data.draw(st.integers(1, room))
    second = data.draw(st.integers(room - first + 1, room))
    lines = [Allocation(target.invoice_id, money(currency, n)) for n in (first, second)]
    with pytest.raises((AmountExceedsOutstanding, AmountExceedsUndisputed)):
        check_explicit(invoices, currency, total(lines), lines)


@given(data=st.data(), invoices=ledger_invoices(min_size=1))
def test_explicit_allocation_to_an_invoice_in_another_currency_is_rejected(
    data: st.DataObject, invoices: dict[str, Invoice]
) -> None:
    target = data.draw(st.sampled_from(sorted(invoices.values(), key=sort_key)))
    currency = "JPY" if target.currency == "USD" else "USD"
    line = Allocation(target.invoice_id, money(target.currency, 1))
    with pytest.raises(CurrencyMismatch):
        check_explicit(invoices, currency, money(currency, 10**6), [line])


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_allocation_to_an_unknown_invoice_rejects_the_whole_request(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    lines = data.draw(fitting_request(invoices, currency))
    lines.insert(data.draw(st.integers(0, len(lines))), Allocation("INV-NONE", money(currency, 1)))
    with pytest.raises(InvoiceNotFound):
        check_explicit(invoices, currency, total(lines), lines)


@given(data=st.data(), invoices=ledger_invoices(min_size=2), currency=currencies)
def test_explicit_allocation_to_an_invoice_issued_after_the_payment_is_rejected(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str
) -> None:
    lines = data.draw(fitting_request(invoices, currency))
    latest = max(invoices[line.invoice_id].issue_date for line in lines)
    with pytest.raises(InvalidDates):
        check_explicit(invoices, currency, total(lines), lines, latest - timedelta(days=1))
    assert check_explicit(invoices, currency, total(lines), lines, latest)


@given(
    data=st.data(),
    invoices=ledger_invoices(),
    currency=currencies,
    units=st.integers(1, 100_000),
)
def test_explicit_allocation_is_accepted_exactly_when_every_rule_holds(
    data: st.DataObject, invoices: dict[str, Invoice], currency: str, units: int
) -> None:
    """Arbitrary requests: accepted iff same currency, known invoices, each merged amount
    within its invoice's undisputed outstanding and the total within the cash."""
    ids = sorted(invoices) + ["INV-NONE"]
    lines = [
        Allocation(invoice_id, money(currency, amount))
        for invoice_id, amount in data.draw(
            st.lists(st.tuples(st.sampled_from(ids), st.integers(1, 30_000)), min_size=1)
        )
    ]
    cash = money(currency, units)
    merged: dict[str, Decimal] = {}
    for line in lines:
        merged[line.invoice_id] = merged.get(line.invoice_id, Decimal(0)) + line.amount
    acceptable = (
        all(i in invoices and invoices[i].currency == currency for i in merged)
        and all(amount <= invoices[i].undisputed for i, amount in merged.items())
        and total(lines) <= cash
    )
    try:
        chosen = check_explicit(invoices, currency, cash, lines)
    except LedgerError:
        assert not acceptable
    else:
        assert acceptable
        assert {a.invoice_id: a.amount for a in chosen} == merged
