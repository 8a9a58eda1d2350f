"""Aging as of any business date, as known at any recorded time: one SQL query.

An invoice contributes what it owes as of ``as_of`` as known at ``known_at``
(`outstanding`, the one place that says how). Its bucket follows from days past due, which
is turned into due-date bounds in Python so the same SQL runs on every backend.
Disputed amounts stay in their bucket and are also reported apart; unapplied credit
is reported apart and never netted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, select

from ledger.projections.amounts import from_minor
from ledger.projections.outstanding import accounts_matching, invoices_owing, unapplied_credit
from ledger.projections.outstanding import disputed as open_disputes
from ledger.projections.projection import Tables

DEFAULT_EDGES = (30, 60, 90, 120)
GROUPINGS = ("account", "agent", "currency", "segment", "portfolio")


def bucket_labels(edges: Sequence[int]) -> list[str]:
    labels = ["current"]
    low = 1
    for edge in edges:
        labels.append(f"{low}-{edge}")
        low = edge + 1
    labels.append(f"over {edges[-1]}")
    return labels


@dataclass
class AgingRow:
    key: str
    currency: str
    buckets: dict[str, Decimal]
    disputed: Decimal
    unapplied_credit: Decimal
    total: Decimal
    invoices: int = 0
    detail: dict[str, Any] = field(default_factory=dict)


def _bucket(due_date: Any, as_of: date, edges: Sequence[int]) -> Any:
    labels = bucket_labels(edges)
    whens = [(due_date >= as_of, labels[0])]
    for edge, label in zip(edges, labels[1:], strict=False):
        whens.append((due_date >= as_of - timedelta(days=edge), label))
    return case(*whens, else_=labels[-1])


def _grouped_by(grouping: str, key: Any) -> list[Any]:
    """The key, unless it is a constant: PostgreSQL refuses ``GROUP BY 'all'``."""
    return [] if grouping in ("currency", "portfolio") else [key]


def _group_key(grouping: str, accounts: Any) -> Any:
    return {
        "account": accounts.c.number,
        "agent": func.coalesce(accounts.c.agent_id, "(unassigned)"),
        "currency": literal("all"),
        "segment": accounts.c.segment,
        "portfolio": literal("portfolio"),
    }[grouping]


def aging(
    session: Any,
    t: Tables,
    as_of: date,
    known_at: datetime | None = None,
    by: str = "account",
    edges: Sequence[int] = DEFAULT_EDGES,
    currency: str | None = None,
    *,
    account: str | None = None,
    agent: str | None = None,
    segment: str | None = None,
) -> list[AgingRow]:
    """Rows sorted by key and currency. ``account``, ``agent`` (currently assigned) and
    ``segment`` keep those accounts, ``currency`` the invoices and credit in it; given
    together, they intersect."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {GROUPINGS}")
    owed = invoices_owing(t, as_of, known_at)
    disputed = open_disputes(t, as_of, known_at)
    accounts = t["accounts"]
    matching = {"account": account, "agent": agent, "segment": segment}
    key = _group_key(by, accounts).label("key")
    bucket = _bucket(owed.c.due_date, as_of, edges).label("bucket")
    owed_and_disputed = owed.outerjoin(disputed, and_(
        disputed.c.account_id == owed.c.account_id, disputed.c.invoice_id == owed.c.invoice_id))
    query = (
        select(
            key, owed.c.currency, bucket,
            func.sum(owed.c.outstanding).label("outstanding"),
            func.sum(func.coalesce(disputed.c.disputed, 0)).label("disputed"),
            func.count().label("invoices"),
        )
        .select_from(_with_accounts(owed_and_disputed, owed, accounts, by, matching))
        .where(accounts_matching(accounts, **matching))
        .group_by(*_grouped_by(by, key), owed.c.currency, bucket)
    )
    if currency:
        query = query.where(owed.c.currency == currency)
    rows: dict[tuple[str, str], AgingRow] = {}
    labels = bucket_labels(edges)
    for r in session.execute(query):
        row = rows.setdefault((r.key, r.currency), _empty(r.key, r.currency, labels))
        row.buckets[r.bucket] += from_minor(r.outstanding, r.currency)
        row.disputed += from_minor(r.disputed, r.currency)
        row.total += from_minor(r.outstanding, r.currency)
        row.invoices += r.invoices
    for key_value, cur, credit in _unapplied(session, t, as_of, known_at, by, currency,
                                             matching):
        row = rows.setdefault((key_value, cur), _empty(key_value, cur, labels))
        row.unapplied_credit += credit
    return [rows[k] for k in sorted(rows)]


def _with_accounts(source: Any, keyed: Any, accounts: Any, by: str,
                   matching: dict[str, str | None]) -> Any:
    """``source`` joined to the accounts when the grouping or a filter needs them: a total
    by currency or for the portfolio does not, and skips hashing every account."""
    if by in ("currency", "portfolio") and not any(matching.values()):
        return source
    return source.join(accounts, accounts.c.account_id == keyed.c.account_id)


def _empty(key: str, currency: str, labels: list[str]) -> AgingRow:
    zero = from_minor(0, currency)
    return AgingRow(key, currency, {label: zero for label in labels}, zero, zero, zero)


def _unapplied(
    session: Any, t: Tables, as_of: date, known_at: datetime | None, by: str,
    currency: str | None, matching: dict[str, str | None],
) -> list[tuple[str, str, Decimal]]:
    c, accounts = unapplied_credit(t, as_of, known_at), t["accounts"]
    key = _group_key(by, accounts).label("key")
    query = (
        select(key, c.c.currency, func.sum(c.c.credit).label("credit"))
        .select_from(_with_accounts(c, c, accounts, by, matching))
        .where(accounts_matching(accounts, **matching))
        .group_by(*_grouped_by(by, key), c.c.currency)
        .having(func.sum(c.c.credit) != 0)
    )
    if currency:
        query = query.where(c.c.currency == currency)
    return [(r.key, r.currency, from_minor(r.credit, r.currency)) for r in session.execute(query)]


