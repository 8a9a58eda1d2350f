"""The sums KPIs are made of: one SQL query each over the read models, per currency.

Every figure is integer minor units keyed by currency, because KPIs never convert
currencies and a ratio is only taken once both of its sides are summed exactly.
Each query joins the account row so that one ``Scope`` filters by the account's
current agent or segment the same way everywhere; dates are bounded in Python so
the SQL stays portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from ledger.projections.outstanding import accounts_matching, invoices_owing, known
from ledger.projections.projection import Tables

SALES_KINDS = ("issued", "debit_note", "credit_note")
WRITE_OFF_KINDS = ("write_off", "settlement_discount")


@dataclass(frozen=True)
class Scope:
    """Which accounts a figure covers (`accounts_matching`), in which currency, and which
    recorded events it may see."""

    accounts: Any
    agent: str | None = None
    segment: str | None = None
    known_at: datetime | None = None
    account: str | None = None
    currency: str | None = None

    def select(self, table: Any, *columns: Any) -> Any:
        """``SELECT columns FROM table JOIN accounts`` narrowed to the scope's accounts and,
        for a table of amounts or promises (one with a currency), to its currency; a
        table without one (contacts) is counted whatever the currency."""
        query = select(*columns).select_from(
            table.join(self.accounts, self.accounts.c.account_id == table.c.account_id)
        ).where(accounts_matching(self.accounts, account=self.account, agent=self.agent,
                                  segment=self.segment))
        if self.currency is not None and "currency" in table.c:
            query = query.where(table.c.currency == self.currency)
        return query

    def known(self, recorded_at: Any) -> Any:
        return known(recorded_at, self.known_at)


def _by_currency(session: Any, query: Any) -> dict[str, int]:
    return {r.currency: int(r.total) for r in session.execute(query)}


def receivables(
    session: Any, t: Tables, scope: Scope, on: date, *, current_only: bool = False
) -> dict[str, int]:
    """AR at the end of ``on``: gross outstanding of invoices (credit not netted).

    With ``current_only`` only invoices not yet past due on ``on`` (due on or after it).
    """
    owed, invoices = invoices_owing(t, on, scope.known_at), t["invoices"]
    query = scope.select(owed, owed.c.currency, func.sum(owed.c.outstanding).label("total"))
    if current_only:
        query = query.join(invoices, and_(invoices.c.account_id == owed.c.account_id,
                                          invoices.c.invoice_id == owed.c.invoice_id))
        query = query.where(invoices.c.due_date >= on)
    return _by_currency(session, query.group_by(owed.c.currency))


def daily_sales(session: Any, t: Tables, scope: Scope, until: date) -> dict[str, dict[date, int]]:
    """Credit sales (issued + debit notes − credit notes) per currency and business day."""
    m = t["invoice_movements"]
    query = (
        scope.select(m, m.c.currency, m.c.on_date, func.sum(m.c.amount_minor).label("total"))
        .where(m.c.on_date <= until, m.c.kind.in_(SALES_KINDS), scope.known(m.c.recorded_at))
        .group_by(m.c.currency, m.c.on_date)
    )
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for r in session.execute(query):
        series[r.currency][r.on_date] = int(r.total)
    return dict(series)


def written_off(session: Any, t: Tables, scope: Scope, start: date, end: date) -> dict[str, int]:
    """Write-offs and settlement discounts dated in the period, as positive amounts."""
    m = t["invoice_movements"]
    query = (
        scope.select(m, m.c.currency, (-func.sum(m.c.amount_minor)).label("total"))
        .where(m.c.on_date.between(start, end), m.c.kind.in_(WRITE_OFF_KINDS),
               scope.known(m.c.recorded_at))
        .group_by(m.c.currency)
    )
    return _by_currency(session, query)


def recovered(session: Any, a: Tables, scope: Scope, start: date, end: date) -> dict[str, int]:
    """Cash recovered on written-off invoices, received in the period."""
    r = a["recoveries"]
    query = (
        scope.select(r, r.c.currency, func.sum(r.c.amount_minor).label("total"))
        .where(r.c.received_on.between(start, end), scope.known(r.c.recorded_at))
        .group_by(r.c.currency)
    )
    return _by_currency(session, query)


def promise_outcomes(
    session: Any, a: Tables, scope: Scope, start: date, end: date
) -> dict[str, dict[str, int]]:
    """Promises kept and broken with a resolution date in the period, per currency.

    The promises table records when a promise was made, not when its outcome was
    recorded, so ``known_at`` is not applied here.
    """
    p = a["promises"]
    query = (
        scope.select(p, p.c.currency, p.c.status, func.count().label("total"))
        .where(p.c.status.in_(("kept", "broken")), p.c.resolved_on.between(start, end))
        .group_by(p.c.currency, p.c.status)
    )
    outcomes: dict[str, dict[str, int]] = defaultdict(lambda: {"kept": 0, "broken": 0})
    for r in session.execute(query):
        outcomes[r.currency][r.status] = int(r.total)
    return dict(outcomes)


def dispute_durations(
    session: Any, t: Tables, scope: Scope, start: date, end: date
) -> dict[str, list[int]]:
    """Days from opened to resolved of each dispute resolved in the period."""
    d = t["disputes"]
    query = scope.select(d, d.c.currency, d.c.opened_on, d.c.resolved_on).where(
        d.c.resolved_on.between(start, end), scope.known(d.c.opened_at),
        scope.known(d.c.resolved_at),
    )
    durations: dict[str, list[int]] = defaultdict(list)
    for r in session.execute(query):
        durations[r.currency].append((r.resolved_on - r.opened_on).days)
    return dict(durations)


def not_reversed(payments: Any, known_at: datetime | None) -> Any:
    """A payment whose reversal (if any) was not yet recorded at ``known_at``."""
    if known_at is None:
        return payments.c.reversed_on.is_(None)
    return or_(payments.c.reversed_at.is_(None), payments.c.reversed_at > known_at)
