"""Reads of the cash projection: the receipts queue and the cash-application report.

Plain SQL over ``rm_receipts`` and ``rm_receipt_splits``. The queue is what a person
works (``status=unidentified``, oldest value date first, with the evidence matching left
for them); the report is what a manager reads: how much was matched automatically, by
count and by amount, per rule, and what is still unidentified, by age.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables
from ledger.projections.stored_times import as_utc

AGE_EDGES = (0, 7, 30, 90)
"""Unidentified cash by age in days since its value date: 0-6, 7-29, 30-89, 90+."""


@dataclass(frozen=True)
class ReceiptSplit:
    account_id: str
    account: str
    amount: Decimal
    payment_id: str


@dataclass(frozen=True)
class ReceiptRow:
    receipt_id: str
    status: str
    booked_on: date
    value_on: date
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    bank_reference: str
    end_to_end_id: str
    statement_id: str
    statement_format: str
    rule: str | None
    evidence: dict[str, str]
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    age_days: int
    splits: tuple[ReceiptSplit, ...] = ()


@dataclass
class RuleFigures:
    count: int = 0
    amount: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class CashApplicationReport:
    day: date
    receipts: int
    matched_automatically: int
    share_by_count: Decimal
    share_by_amount: dict[str, Decimal]
    """Per currency: the automatically matched amount over all receipts' amount."""
    by_rule: dict[str, RuleFigures]
    by_status: dict[str, int]
    unidentified_by_age: dict[str, dict[str, Decimal]]
    """Age band -> currency -> amount."""
    unidentified_total: dict[str, Decimal]
    oldest_unidentified_days: int | None


def _row(r: Any, day: date, splits: tuple[ReceiptSplit, ...] = ()) -> ReceiptRow:
    return ReceiptRow(
        r.receipt_id, r.status, r.booked_on, r.value_on,
        from_minor(r.amount_minor, r.currency), r.currency, r.counterparty_name,
        r.counterparty_account, r.remittance, r.bank_reference, r.end_to_end_id,
        r.statement_id, r.statement_format, r.rule, json.loads(r.evidence), r.decided_by,
        None if r.decided_at is None else as_utc(r.decided_at), r.reason,
        (day - r.value_on).days, splits)



def list_receipts(session: Any, cash: Tables, open_items: Tables, day: date,
                  status: str | None = None, after: str | None = None,
                  limit: int = 100) -> list[ReceiptRow]:
    """Receipts (of one status), oldest value date first; ``after`` a receipt id pages on."""
    r = cash["receipts"]
    query = select(r).order_by(r.c.value_on, r.c.receipt_id).limit(limit)
    if status is not None:
        query = query.where(r.c.status == status)
    if after is not None:
        mark = session.execute(select(r.c.value_on).where(r.c.receipt_id == after)).scalar()
        if mark is not None:
            query = query.where((r.c.value_on > mark)
                                | ((r.c.value_on == mark) & (r.c.receipt_id > after)))
    rows = session.execute(query).all()
    splits = _splits(session, cash, open_items, [row.receipt_id for row in rows])
    return [_row(row, day, splits.get(row.receipt_id, ())) for row in rows]


def one_receipt(session: Any, cash: Tables, open_items: Tables, day: date,
                receipt_id: str) -> ReceiptRow | None:
    r = cash["receipts"]
    row = session.execute(select(r).where(r.c.receipt_id == receipt_id)).first()
    if row is None:
        return None
    return _row(row, day, _splits(session, cash, open_items, [receipt_id]).get(receipt_id, ()))


def _splits(session: Any, cash: Tables, open_items: Tables, ids: list[str]
            ) -> dict[str, tuple[ReceiptSplit, ...]]:
    if not ids:
        return {}
    s, a = cash["splits"], open_items["accounts"]
    found: dict[str, list[ReceiptSplit]] = defaultdict(list)
    rows = session.execute(
        select(s.c.receipt_id, s.c.account_id, a.c.number, s.c.amount_minor, s.c.currency,
               s.c.payment_id)
        .outerjoin(a, a.c.account_id == s.c.account_id)
        .where(s.c.receipt_id.in_(ids)).order_by(s.c.receipt_id, s.c.split))
    for row in rows:
        found[row.receipt_id].append(ReceiptSplit(
            row.account_id, row.number or "", from_minor(row.amount_minor, row.currency),
            row.payment_id))
    return {k: tuple(v) for k, v in found.items()}


def age_band(days: int) -> str:
    for low, high in zip(AGE_EDGES, (*AGE_EDGES[1:], None), strict=True):
        if high is None or days < high:
            return f"{low}+" if high is None else f"{low}-{high - 1}"
    raise AssertionError("unreachable")


def cash_application_report(session: Any, cash: Tables, day: date) -> CashApplicationReport:
    r = cash["receipts"]
    rows = session.execute(
        select(r.c.status, r.c.rule, r.c.decided_by, r.c.currency, r.c.value_on,
               func.count().label("n"), func.sum(r.c.amount_minor).label("minor"))
        .group_by(r.c.status, r.c.rule, r.c.decided_by, r.c.currency, r.c.value_on)
    ).all()
    total_by_currency: dict[str, Decimal] = defaultdict(Decimal)
    auto_by_currency: dict[str, Decimal] = defaultdict(Decimal)
    by_rule: dict[str, RuleFigures] = {}
    by_status: dict[str, int] = defaultdict(int)
    by_age: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    unidentified: dict[str, Decimal] = defaultdict(Decimal)
    receipts = auto = 0
    oldest: int | None = None
    for row in rows:
        amount = from_minor(row.minor, row.currency)
        receipts += row.n
        by_status[row.status] += row.n
        total_by_currency[row.currency] += amount
        if row.rule is not None:
            figures = by_rule.setdefault(row.rule, RuleFigures())
            figures.count += row.n
            figures.amount[row.currency] = figures.amount.get(row.currency, Decimal(0)) + amount
            if row.rule != "manual":
                auto += row.n
                auto_by_currency[row.currency] += amount
        if row.status == "unidentified":
            age = (day - row.value_on).days
            oldest = age if oldest is None else max(oldest, age)
            by_age[age_band(age)][row.currency] += amount
            unidentified[row.currency] += amount
    share = (Decimal(auto) / Decimal(receipts)).quantize(Decimal("0.0001")) if receipts \
        else Decimal(0)
    return CashApplicationReport(
        day, receipts, auto, share,
        {c: (auto_by_currency[c] / t).quantize(Decimal("0.0001")) if t else Decimal(0)
         for c, t in sorted(total_by_currency.items())},
        dict(sorted(by_rule.items())), dict(sorted(by_status.items())),
        {band: dict(sorted(v.items())) for band, v in by_age.items()},
        dict(sorted(unidentified.items())), oldest)
