"""The sums KPIs are made of, for any number of periods: one SQL pass per table.

Every figure is integer minor units keyed by currency, because KPIs never convert
currencies and a ratio is only taken once both of its sides are summed exactly.
Each query returns rows per currency and business day over the span the periods
cover, which `kpis` folds into each period, so a month and a twelve-month trend cost
the same statements. AR on a day is the sum of every invoice movement dated by then:
an invoice owes the sum of its movements (`outstanding`), and summing per invoice first
only to add the invoices up again changes nothing but the cost, which was a grouping of
every movement ever made, once per AR figure. Dates are bounded in Python so the SQL
stays portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from ledger.projections.outstanding import accounts_matching, known
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
        ).where(self._picked())
        return self._in_currency(query, table)

    def rows(self, source: Any, table: Any, *columns: Any) -> Any:
        """As `select`, from ``source`` (``table``, the one with the amounts, or a join of
        it), joining the accounts only when the scope picks some: every row of a read model
        belongs to an opened account, so otherwise the join costs a lookup per row for
        nothing."""
        if any(value is not None for value in (self.account, self.agent, self.segment)):
            source = source.join(self.accounts,
                                 self.accounts.c.account_id == table.c.account_id)
            return self._in_currency(select(*columns).select_from(source)
                                     .where(self._picked()), table)
        return self._in_currency(select(*columns).select_from(source), table)

    def _picked(self) -> Any:
        return accounts_matching(self.accounts, account=self.account, agent=self.agent,
                                 segment=self.segment)

    def _in_currency(self, query: Any, table: Any) -> Any:
        if self.currency is not None and "currency" in table.c:
            return query.where(table.c.currency == self.currency)
        return query

    def known(self, recorded_at: Any) -> Any:
        return known(recorded_at, self.known_at)


@dataclass
class Movements:
    """One currency's invoice movements of one business day: ``change``, what they add to
    AR; ``sales``, the credit sales among them (issued, debit and credit notes), ``None``
    on a day without any; ``written_off``, write-offs and settlement discounts, as a
    positive amount."""

    change: int
    sales: int | None
    written_off: int


def movement_days(session: Any, t: Tables, scope: Scope, until: date
                  ) -> dict[str, dict[date, Movements]]:
    """Per currency and business day up to ``until``: `Movements`, in one pass."""
    m = t["invoice_movements"]
    amount = m.c.amount_minor
    query = (
        scope.rows(m, m, m.c.currency, m.c.on_date, func.sum(amount).label("change"),
                   func.sum(amount).filter(m.c.kind.in_(SALES_KINDS)).label("sales"),
                   func.sum(amount).filter(m.c.kind.in_(WRITE_OFF_KINDS)).label("written_off"))
        .where(m.c.on_date <= until, scope.known(m.c.recorded_at))
        .group_by(m.c.currency, m.c.on_date)
    )
    days: dict[str, dict[date, Movements]] = {}
    for r in session.execute(query):
        days.setdefault(r.currency, {})[r.on_date] = Movements(
            int(r.change), None if r.sales is None else int(r.sales), -int(r.written_off or 0))
    return days


def current_receivables(session: Any, t: Tables, scope: Scope, ends: Sequence[date]
                        ) -> list[dict[str, int]]:
    """Per end, per currency: AR not yet past due on that end (invoices due on or after
    it, their movements dated by then), read from the invoices due after the first end.

    One end asks each such invoice for its movements by its key (few invoices are not
    yet due on a given day); several are summed from one join of them all, a column per
    end, rather than once per end."""
    m, i = t["invoice_movements"], t["invoices"]
    if len(ends) == 1:
        [end] = ends
        owed = (
            select(func.sum(m.c.amount_minor))
            .where(m.c.account_id == i.c.account_id, m.c.invoice_id == i.c.invoice_id,
                   m.c.on_date <= end, scope.known(m.c.recorded_at))
            .scalar_subquery()
        )
        query = (scope.rows(i, i, i.c.currency, func.sum(owed).label("current_0"))
                 .where(i.c.due_date >= end).group_by(i.c.currency))
    else:
        source = m.join(i, and_(i.c.account_id == m.c.account_id,
                                i.c.invoice_id == m.c.invoice_id))
        columns = [func.sum(m.c.amount_minor).filter(and_(m.c.on_date <= end,
                                                          i.c.due_date >= end))
                   .label(f"current_{n}") for n, end in enumerate(ends)]
        query = (scope.rows(source, m, m.c.currency, *columns)
                 .where(i.c.due_date >= min(ends), m.c.on_date <= max(ends),
                        scope.known(m.c.recorded_at))
                 .group_by(m.c.currency))
    current: list[dict[str, int]] = [{} for _ in ends]
    for r in session.execute(query):
        for n in range(len(ends)):
            current[n][r.currency] = int(r._mapping[f"current_{n}"] or 0)
    return current


def recovered_days(session: Any, a: Tables, scope: Scope, first: date, last: date
                   ) -> list[tuple[str, date, int]]:
    """(currency, day, amount): cash recovered on written-off invoices, per day received."""
    r = a["recoveries"]
    query = (
        scope.rows(r, r, r.c.currency, r.c.received_on, func.sum(r.c.amount_minor).label("total"))
        .where(r.c.received_on.between(first, last), scope.known(r.c.recorded_at))
        .group_by(r.c.currency, r.c.received_on)
    )
    return [(x.currency, x.received_on, int(x.total)) for x in session.execute(query)]


def promise_outcome_days(session: Any, a: Tables, scope: Scope, first: date, last: date
                         ) -> list[tuple[str, str, date, int]]:
    """(currency, kept or broken, day, count): promises resolved per day.

    The promises table records when a promise was made, not when its outcome was
    recorded, so ``known_at`` is not applied here.
    """
    p = a["promises"]
    query = (
        scope.rows(p, p, p.c.currency, p.c.status, p.c.resolved_on, func.count().label("total"))
        .where(p.c.status.in_(("kept", "broken")), p.c.resolved_on.between(first, last))
        .group_by(p.c.currency, p.c.status, p.c.resolved_on)
    )
    return [(x.currency, x.status, x.resolved_on, int(x.total)) for x in session.execute(query)]


def dispute_durations(session: Any, t: Tables, scope: Scope, first: date, last: date
                      ) -> list[tuple[str, date, int]]:
    """(currency, day resolved, days from opened to resolved) of each dispute resolved."""
    d = t["disputes"]
    query = scope.rows(d, d, d.c.currency, d.c.opened_on, d.c.resolved_on).where(
        d.c.resolved_on.between(first, last), scope.known(d.c.opened_at),
        scope.known(d.c.resolved_at),
    )
    return [(x.currency, x.resolved_on, (x.resolved_on - x.opened_on).days)
            for x in session.execute(query)]


def not_reversed(payments: Any, known_at: datetime | None) -> Any:
    """A payment whose reversal (if any) was not yet recorded at ``known_at``."""
    if known_at is None:
        return payments.c.reversed_on.is_(None)
    return or_(payments.c.reversed_at.is_(None), payments.c.reversed_at > known_at)
