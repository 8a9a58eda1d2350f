"""The customer's statement of account for a period, per currency, from open items.

The balance a customer sees is what their invoices owe less the unapplied credit
of their payments. Allocating a payment moves money between the two on the same
day and changes neither that balance nor anything the customer did, so the lines
show the cash (payment received 500), never its allocations; every other movement
is a line. Opening and closing balances are summed independently of the lines, so
``closing = opening + debits − credits`` is a real check that no kind of movement
went missing, and it is enforced on every statement produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from ledger.aggregates.errors import AccountNotFound, InvalidDates
from ledger.known_at import known_at_utc
from ledger.projections.aging import DEFAULT_EDGES, AgingRow, aging, bucket_labels
from ledger.projections.amounts import from_minor
from ledger.projections.outstanding import invoices_owing, known, of_account, unapplied_credit
from ledger.projections.projection import Tables

LINE_KINDS = {
    "issued": "invoice",
    "debit_note": "debit_note",
    "credit_note": "credit_note",
    "write_off": "write_off",
    "settlement_discount": "settlement_discount",
    "received": "payment",
    "reversal": "payment_reversed",
}


@dataclass(frozen=True)
class StatementLine:
    on_date: date
    kind: str
    document_id: str
    invoice_id: str | None
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    account_number: str
    account_id: str
    name: str
    currency: str
    start: date
    end: date
    known_at: datetime | None
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_debits: Decimal
    total_credits: Decimal
    closing_balance: Decimal
    aging: dict[str, Decimal]
    disputed: Decimal
    unapplied_credit: Decimal
    outstanding: Decimal


@dataclass
class _Entry:
    """A balance change in minor units, before running balances are known."""

    on_date: date
    order: tuple[int, int]
    kind: str
    document_id: str
    invoice_id: str | None
    reference: str
    effect: int


def statement(
    session: Any,
    t: Tables,
    account_number: str,
    start: date,
    end: date,
    known_at: datetime | None = None,
) -> list[Statement]:
    """One statement per currency of the account's invoices and payments by ``end``
    (the account's own currency when it has none yet), ordered by currency."""
    if start > end:
        raise InvalidDates(f"statement period starts on {start}, after its end {end}")
    known_at = known_at_utc(known_at)
    accounts = t["accounts"]
    account = session.execute(
        select(accounts.c.account_id, accounts.c.number, accounts.c.name, accounts.c.currency)
        .where(accounts.c.number == account_number)
    ).first()
    if account is None:
        raise AccountNotFound(f"account {account_number!r} not found")
    currencies = _currencies(session, t, account.account_id, end, known_at) or [account.currency]
    scoped = of_account(t, account.account_id)
    return [
        _statement_in(session, t, scoped, account, currency, start, end, known_at)
        for currency in currencies
    ]


def _currencies(
    session: Any, t: Tables, account_id: str, end: date, known_at: datetime | None
) -> list[str]:
    found: set[str] = set()
    for table in (t["invoice_movements"], t["credit_movements"]):
        query = select(table.c.currency).distinct().where(
            table.c.account_id == account_id, table.c.on_date <= end,
            known(table.c.recorded_at, known_at),
        )
        found.update(session.execute(query).scalars())
    return sorted(found)


def _balance(session: Any, scoped: Tables, currency: str, on: date,
             known_at: datetime | None) -> int:
    """What the account's invoices owe less its payments' unapplied credit at the end of
    ``on`` (``scoped``: its tables alone)."""
    owed = invoices_owing(scoped, on, known_at, owing_only=False)
    credit = unapplied_credit(scoped, on, known_at)
    total = 0
    for sums, column, sign in ((owed, "outstanding", 1), (credit, "credit", -1)):
        query = select(func.coalesce(func.sum(sums.c[column]), 0)).where(
            sums.c.currency == currency)
        total += sign * int(session.execute(query).scalar_one())
    return total


def _entries(session: Any, t: Tables, account_id: str, currency: str, start: date, end: date,
             known_at: datetime | None) -> list[_Entry]:
    m, c, invoices, payments = (
        t["invoice_movements"], t["credit_movements"], t["invoices"], t["payments"]
    )
    invoice_rows = session.execute(
        select(m.c.position, m.c.seq, m.c.on_date, m.c.kind, m.c.invoice_id, m.c.ref,
               m.c.amount_minor, invoices.c.reference, invoices.c.due_date)
        .join(invoices, and_(invoices.c.account_id == m.c.account_id,
                             invoices.c.invoice_id == m.c.invoice_id))
        .where(m.c.account_id == account_id, m.c.currency == currency,
               m.c.on_date >= start, m.c.on_date <= end, m.c.kind != "allocation",
               known(m.c.recorded_at, known_at))
    )
    reversals: dict[tuple[int, str], _Entry] = {}
    entries: list[_Entry] = []
    for r in invoice_rows:
        if r.kind == "reversal":
            _add_reversal(reversals, r.on_date, r.position, r.seq, r.ref, r.amount_minor)
            continue
        reference = f"{r.reference}, due {r.due_date}" if r.reference else f"due {r.due_date}"
        entries.append(_Entry(r.on_date, (r.position, r.seq), r.kind, r.ref, r.invoice_id,
                              reference if r.kind == "issued" else "", r.amount_minor))
    credit_rows = session.execute(
        select(c.c.position, c.c.seq, c.c.on_date, c.c.kind, c.c.payment_id, c.c.amount_minor,
               payments.c.reference)
        .join(payments, and_(payments.c.account_id == c.c.account_id,
                             payments.c.payment_id == c.c.payment_id))
        .where(c.c.account_id == account_id, c.c.currency == currency,
               c.c.on_date >= start, c.c.on_date <= end, c.c.kind != "allocation",
               known(c.c.recorded_at, known_at))
    )
    for r in credit_rows:
        if r.kind == "reversal":
            entry = _add_reversal(reversals, r.on_date, r.position, r.seq, r.payment_id,
                                  -r.amount_minor)
            entry.reference = r.reference
            continue
        entries.append(_Entry(r.on_date, (r.position, r.seq), r.kind, r.payment_id, None,
                              r.reference, -r.amount_minor))
    entries.extend(reversals.values())
    return sorted(entries, key=lambda e: (e.on_date, e.order))


def _add_reversal(reversals: dict[tuple[int, str], _Entry], on: date, position: int, seq: int,
                  payment_id: str, effect: int) -> _Entry:
    """A reversal re-opens invoices and removes unapplied credit: one line, the whole cash."""
    entry = reversals.setdefault(
        (position, payment_id), _Entry(on, (position, seq), "reversal", payment_id, None, "", 0)
    )
    entry.order = min(entry.order, (position, seq))
    entry.effect += effect
    return entry


def _description(entry: _Entry) -> str:
    invoice = entry.invoice_id
    text = {
        "issued": f"Invoice {invoice}",
        "debit_note": f"Debit note on invoice {invoice}",
        "credit_note": f"Credit note on invoice {invoice}",
        "write_off": f"Written off on invoice {invoice}",
        "settlement_discount": f"Settlement discount on invoice {invoice}",
        "received": "Payment received",
        "reversal": "Payment reversed",
    }.get(entry.kind, entry.kind.replace("_", " ").capitalize())
    return f"{text} ({entry.reference})" if entry.reference else text


def _statement_in(session: Any, t: Tables, scoped: Tables, account: Any, currency: str,
                  start: date, end: date, known_at: datetime | None) -> Statement:
    opening = _balance(session, scoped, currency, start - timedelta(days=1), known_at)
    closing = _balance(session, scoped, currency, end, known_at)
    running, debits, credits = opening, 0, 0
    lines = []
    for entry in _entries(session, t, account.account_id, currency, start, end, known_at):
        running += entry.effect
        debit, credit = max(entry.effect, 0), max(-entry.effect, 0)
        debits, credits = debits + debit, credits + credit
        lines.append(StatementLine(
            on_date=entry.on_date, kind=LINE_KINDS.get(entry.kind, entry.kind),
            document_id=entry.document_id, invoice_id=entry.invoice_id,
            description=_description(entry), debit=from_minor(debit, currency),
            credit=from_minor(credit, currency), balance=from_minor(running, currency),
        ))
    if closing != opening + debits - credits:
        raise AssertionError(
            f"statement of {account.number} in {currency} does not balance: closing "
            f"{closing} != opening {opening} + debits {debits} - credits {credits}"
        )
    footer = _aging_footer(session, scoped, account.number, currency, end, known_at)
    return Statement(
        account_number=account.number, account_id=account.account_id, name=account.name,
        currency=currency, start=start, end=end, known_at=known_at,
        opening_balance=from_minor(opening, currency), lines=tuple(lines),
        total_debits=from_minor(debits, currency), total_credits=from_minor(credits, currency),
        closing_balance=from_minor(closing, currency), aging=dict(footer.buckets),
        disputed=footer.disputed, unapplied_credit=footer.unapplied_credit,
        outstanding=footer.total,
    )


def _aging_footer(session: Any, scoped: Tables, number: str, currency: str, end: date,
                  known_at: datetime | None) -> AgingRow:
    rows = aging(session, scoped, end, known_at, by="account", currency=currency)
    for row in rows:
        if row.key == number:
            return row
    zero = from_minor(0, currency)
    return AgingRow(number, currency, dict.fromkeys(bucket_labels(DEFAULT_EDGES), zero),
                    zero, zero, zero)
