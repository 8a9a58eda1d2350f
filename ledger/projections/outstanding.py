"""What is owed as of a business date, as known at a recorded time: the one place it is said.

Every read of money owed — the account view, aging, statements, KPIs, worklists — takes
its figures from these queries over the open-items tables:

- an invoice owes the sum of its movements (issued, debit and credit notes, allocations,
  reversals, write-offs, settlement discounts) dated on or before ``as_of`` and, with
  ``known_at``, recorded by then: amount + debit notes − credit notes − allocated −
  written off, each counted from its own date (docs/domain.md, *Invoices*);
- a payment's unapplied credit is the sum of its credit movements the same way;
- a dispute is open on ``as_of`` when it was opened by then and not resolved by then.

Each returns a subquery, so a read joins it to what it groups by. Amounts are minor units.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, literal, literal_column, select, true, union_all

from ledger.projections.projection import Tables


def known(recorded_at: Any, known_at: datetime | None) -> Any:
    """Recorded by ``known_at`` (always, when None: everything known so far)."""
    return literal(True) if known_at is None else recorded_at <= known_at


def counted(movements: Any, as_of: date, known_at: datetime | None) -> Any:
    """A movement that counts on ``as_of`` as known at ``known_at``."""
    return and_(movements.c.on_date <= as_of, known(movements.c.recorded_at, known_at))


def invoices_owing(t: Tables, as_of: date, known_at: datetime | None,
                   *, owing_only: bool = True) -> Any:
    """Per invoice (account_id, invoice_id, currency, due_date): ``outstanding``, the sum
    of its movements that count. With ``owing_only`` only invoices that owe something
    (or are owed: never, for a ledger whose rules held).

    The same figures as `invoices_owing_by_movements`, read mostly from the invoices'
    running totals: an invoice all of whose movements count owes its total, one none of
    whose movements count owes nothing and is left out, and only the invoices in between
    (moved after ``as_of``, or recorded after ``known_at``) have their movements summed.
    As of today that middle is empty, and the invoices that owe are the partial index's.
    The middle's sums are asked invoice by invoice (a correlated subquery, on the index of
    movements by invoice), so their cost is that of the invoices in between, however many
    movements the portfolio holds; an invoice none of whose movements count after all (one
    dated early but recorded late, another recorded early but dated late) sums to NULL and
    is left out, as summing movements leaves it out.
    """
    i, m = t["invoices"], t["invoice_movements"]
    whole = (
        select(i.c.account_id, i.c.invoice_id, i.c.currency, i.c.due_date,
               i.c.outstanding_minor.label("outstanding"))
        .where(_all_count(i, as_of, known_at))
    )
    if owing_only:
        whole = whole.where(i.c.outstanding_minor != literal_column("0"))
    counted_sum = (
        select(func.sum(m.c.amount_minor))
        .where(m.c.account_id == i.c.account_id, m.c.invoice_id == i.c.invoice_id,
               counted(m, as_of, known_at))
        .scalar_subquery()
    )
    summed = []
    for condition in _in_between(i, as_of, known_at):
        between = (
            select(i.c.account_id, i.c.invoice_id, i.c.currency, i.c.due_date,
                   counted_sum.label("outstanding"))
            .where(condition)
            # OFFSET 0 keeps PostgreSQL from pushing the filter below into this query,
            # which would sum each invoice twice: once to filter, once to return it.
            .offset(0)
            .subquery()
        )
        summed.append(select(between).where(
            between.c.outstanding != 0 if owing_only else between.c.outstanding.is_not(None)))
    return union_all(whole, *summed).subquery("owed")


def invoices_owing_by_movements(t: Tables, as_of: date, known_at: datetime | None,
                                *, owing_only: bool = True) -> Any:
    """`invoices_owing` by summing every invoice's movements: the general path, which
    the running totals must always agree with (tests/property/test_outstanding_totals.py)."""
    m = t["invoice_movements"]
    query = (
        select(m.c.account_id, m.c.invoice_id, m.c.currency,
               func.sum(m.c.amount_minor).label("outstanding"))
        .where(counted(m, as_of, known_at))
        .group_by(m.c.account_id, m.c.invoice_id, m.c.currency)
    )
    if owing_only:
        query = query.having(func.sum(m.c.amount_minor) != 0)
    return query.subquery("owed")


def unapplied_credit(t: Tables, as_of: date, known_at: datetime | None) -> Any:
    """Per account and currency holding any (account_id, currency): ``credit``, the
    payments' unapplied credit; reported apart from what invoices owe, never netted into
    it. Read from the payments' running totals as `invoices_owing` reads the invoices'."""
    p, c = t["payments"], t["credit_movements"]
    whole = (
        select(p.c.account_id, p.c.currency, p.c.unapplied_minor.label("credit"))
        .where(_all_count(p, as_of, known_at),
               p.c.unapplied_minor != literal_column("0"))
    )
    counted_sum = (
        select(func.sum(c.c.amount_minor))
        .where(c.c.account_id == p.c.account_id, c.c.payment_id == p.c.payment_id,
               counted(c, as_of, known_at))
        .scalar_subquery()
    )
    between = [select(p.c.account_id, p.c.currency, counted_sum.label("credit"))
               .where(condition) for condition in _in_between(p, as_of, known_at)]
    each = union_all(whole, *between).subquery("each_credit")
    return (
        select(each.c.account_id, each.c.currency, func.sum(each.c.credit).label("credit"))
        .group_by(each.c.account_id, each.c.currency)
        .having(func.sum(each.c.credit) != 0)
        .subquery("credit")
    )


def unapplied_credit_by_movements(t: Tables, as_of: date, known_at: datetime | None) -> Any:
    """`unapplied_credit` by summing every payment's movements: the general path."""
    c = t["credit_movements"]
    return (
        select(c.c.account_id, c.c.currency, func.sum(c.c.amount_minor).label("credit"))
        .where(counted(c, as_of, known_at))
        .group_by(c.c.account_id, c.c.currency)
        .having(func.sum(c.c.amount_minor) != 0)
        .subquery("credit")
    )


def _all_count(item: Any, as_of: date, known_at: datetime | None) -> Any:
    """Every movement of the item (invoice or payment) counts: its total is the answer."""
    return and_(item.c.last_on <= as_of, known(item.c.last_recorded_at, known_at))


def _in_between(item: Any, as_of: date, known_at: datetime | None) -> list[Any]:
    """Disjoint conditions that together keep the items some of whose movements count and
    some not: those moved after ``as_of``, and (with ``known_at``) those moved by then but
    recorded after ``known_at``. Each is a range on one index (`open_items_schema`): the
    items whose span of dates, or of recorded times, straddles the moment asked about."""
    started = and_(item.c.first_on <= as_of, known(item.c.first_recorded_at, known_at))
    moved_later = and_(item.c.last_on > as_of, item.c.first_on <= as_of, started)
    if known_at is None:
        return [moved_later]
    recorded_later = and_(item.c.last_recorded_at > known_at,
                          item.c.first_recorded_at <= known_at,
                          item.c.last_on <= as_of, started)
    return [moved_later, recorded_later]


def open_on(disputes: Any, as_of: date, known_at: datetime | None) -> Any:
    """A dispute open on ``as_of`` as known at ``known_at``."""
    resolved_by_then = and_(
        disputes.c.resolved_on.is_not(None), disputes.c.resolved_on <= as_of,
        known(disputes.c.resolved_at, known_at),
    )
    return and_(disputes.c.opened_on <= as_of, known(disputes.c.opened_at, known_at),
                ~resolved_by_then)


def disputed(t: Tables, as_of: date, known_at: datetime | None) -> Any:
    """Per invoice (account_id, invoice_id): ``disputed``, its open disputes' amounts."""
    d = t["disputes"]
    return (
        select(d.c.account_id, d.c.invoice_id, func.sum(d.c.amount_minor).label("disputed"))
        .where(open_on(d, as_of, known_at))
        .group_by(d.c.account_id, d.c.invoice_id)
        .subquery("disputed")
    )


def accounts_matching(accounts: Any, *, account: str | None = None, agent: str | None = None,
                      segment: str | None = None) -> Any:
    """A condition on ``rm_accounts`` keeping the account numbered ``account``, the accounts
    *currently* assigned to ``agent`` and those in ``segment``; every one given must hold
    (true when none is). A portfolio read joins the accounts row anyway, so this filters
    in SQL rather than after."""
    conditions = [column == value for column, value in (
        (accounts.c.number, account), (accounts.c.agent_id, agent),
        (accounts.c.segment, segment),
    ) if value is not None]
    return and_(true(), *conditions)


def of_accounts(t: Tables, account_ids: Sequence[str], suffix: str = "of_accounts") -> Tables:
    """The tables narrowed to these accounts (a page of them, say), as `of_account` does
    for one."""
    scoped: dict[str, Any] = {
        logical: select(table).where(table.c.account_id.in_(list(account_ids)))
        .subquery(f"{table.name}_{suffix}")
        for logical, table in t.items()
    }
    return Tables(scoped)


def of_account(t: Tables, account_id: str) -> Tables:
    """The tables narrowed to one account, so a query over them costs that account's rows
    rather than the portfolio's (the queries above only select from and join them)."""
    scoped: dict[str, Any] = {
        logical: select(table).where(table.c.account_id == account_id)
        .subquery(f"{table.name}_of_account")
        for logical, table in t.items()
    }
    return Tables(scoped)
