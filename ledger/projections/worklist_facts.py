"""What the read models say about an agent's accounts on a day, for the worklist.

What each invoice owes and what is in dispute on the day come from `outstanding`, as
for aging, restricted to the accounts currently assigned to the agent. Date bounds
are computed in Python so the SQL is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, and_, func, or_, select

from ledger.aggregates.contact_policy import CALL
from ledger.aggregates.state import ContactRecord
from ledger.projections.amounts import from_minor
from ledger.projections.outstanding import disputed as open_disputes
from ledger.projections.outstanding import invoices_owing, open_on
from ledger.projections.projection import Tables
from ledger.projections.stored_times import as_utc
from ledger.projections.worklist_scoring import AccountFacts, OwedInvoice, WorklistWeights


def gather_facts(
    session: Any, t: Tables, activity: Tables, agent_id: str, day: date,
    weights: WorklistWeights, lookback_days: int, only: Collection[str] | None = None,
) -> list[AccountFacts]:
    """The facts of every account currently assigned to the agent, as of ``day``
    (``only``: of those of these account ids)."""
    a = t["accounts"]
    mine = assigned_to(a, agent_id, only)
    facts = {
        r.account_id: AccountFacts(
            r.account_id, r.number, r.segment, r.currency, r.timezone,
            None if r.credit_limit_minor is None else from_minor(r.credit_limit_minor,
                                                                 r.currency),
            bool(r.cease_communication), r.agency_id, bool(r.legal_referral),
        )
        for r in session.execute(select(a).where(mine))
    }
    for r in _owed(session, t, day, mine):
        facts[r.account_id].owed.append(OwedInvoice(
            r.currency, r.due_date, from_minor(r.outstanding, r.currency),
            from_minor(r.disputed, r.currency)))
    d = t["disputes"]
    for r in _rows(session, select(d.c.account_id, d.c.opened_on), d, a, mine,
                   open_on(d, day, None)):
        facts[r.account_id].open_disputes_since.append(r.opened_on)
    _promises_and_instalments(session, activity, a, mine, day, weights, facts)
    _contacts(session, activity["contacts"], a, mine, day, lookback_days, facts)
    _overdue_tasks(session, activity["tasks"], a, mine, day, facts)
    return [facts[k] for k in sorted(facts)]


def assigned_to(a: Table, agent_id: str, only: Collection[str] | None) -> Any:
    """The agent's accounts, or (``only``) those of them among these account ids."""
    mine = a.c.agent_id == agent_id
    return mine if only is None else and_(mine, a.c.account_id.in_(list(only)))


def _rows(session: Any, query: Any, table: Table, a: Table, mine: Any, *where: Any) -> Any:
    return session.execute(
        query.select_from(table.join(a, a.c.account_id == table.c.account_id))
        .where(mine, *where)
    )


def _open_on(table: Table, day: date) -> Any:
    return or_(table.c.resolved_on.is_(None), table.c.resolved_on > day)


def _owed(session: Any, t: Tables, day: date, mine: Any) -> Any:
    owed, disputed = invoices_owing(t, day, None), open_disputes(t, day, None)
    a = t["accounts"]
    return session.execute(
        select(owed.c.account_id, owed.c.currency, owed.c.due_date, owed.c.outstanding,
               func.coalesce(disputed.c.disputed, 0).label("disputed"))
        .select_from(
            owed.join(a, a.c.account_id == owed.c.account_id)
            .outerjoin(disputed, and_(disputed.c.account_id == owed.c.account_id,
                                      disputed.c.invoice_id == owed.c.invoice_id))
        )
        .where(mine)
        .order_by(owed.c.account_id, owed.c.due_date, owed.c.invoice_id)
    )


def _promises_and_instalments(
    session: Any, activity: Tables, a: Table, mine: Any, day: date,
    weights: WorklistWeights, facts: dict[str, AccountFacts],
) -> None:
    """Broken lately (a promise, or a plan's instalment missed) and falling due now
    (an open promise or instalment between its due date and the end of its grace)."""
    p, plans, i = activity["promises"], activity["plans"], activity["instalments"]
    recent = day - timedelta(days=weights.broken_promise_days - 1)
    for r in _rows(session, select(p.c.account_id, p.c.resolved_on), p, a, mine,
                   p.c.status == "broken", p.c.resolved_on >= recent, p.c.resolved_on <= day):
        facts[r.account_id].broken_promises.append(r.resolved_on)
    for r in _rows(session, select(p.c.account_id, p.c.due_date, p.c.grace_days), p, a, mine,
                   p.c.made_on <= day, p.c.due_date <= day, _open_on(p, day)):
        _due_if(facts[r.account_id], r.due_date, r.grace_days, day)
    for r in session.execute(
        select(i.c.account_id, i.c.due_date, i.c.missed_on, plans.c.grace_days)
        .select_from(i.join(plans, and_(plans.c.account_id == i.c.account_id,
                                        plans.c.plan_id == i.c.plan_id))
                     .join(a, a.c.account_id == i.c.account_id))
        .where(mine, plans.c.agreed_on <= day, i.c.due_date <= day)
        .where(or_(_open_on(plans, day), i.c.missed_on <= day))
    ):
        if r.missed_on is not None and recent <= r.missed_on <= day:
            facts[r.account_id].broken_promises.append(r.missed_on)
        elif r.missed_on is None or r.missed_on > day:
            _due_if(facts[r.account_id], r.due_date, r.grace_days, day)


def _due_if(account: AccountFacts, due_date: date, grace_days: int, day: date) -> None:
    if due_date <= day <= due_date + timedelta(days=grace_days):
        account.promises_due += 1


def _contacts(
    session: Any, c: Table, a: Table, mine: Any, day: date, lookback_days: int,
    facts: dict[str, AccountFacts],
) -> None:
    """The last contact's day, and the calls the contact policy looks back on."""
    last = func.max(c.c.on_date).label("last")
    for r in _rows(session, select(c.c.account_id, last).group_by(c.c.account_id), c, a, mine,
                   c.c.on_date <= day):
        facts[r.account_id].last_contact = r.last
    for r in _rows(session, select(c), c, a, mine, c.c.channel == CALL,
                   c.c.on_date > day - timedelta(days=lookback_days), c.c.on_date <= day):
        facts[r.account_id].calls.append(ContactRecord(
            r.contact_id, r.channel, r.outcome, as_utc(r.at), r.purpose, r.agent_id))


def _overdue_tasks(session: Any, k: Table, a: Table, mine: Any, day: date,
                   facts: dict[str, AccountFacts]) -> None:
    """Tasks open on ``day`` and due before it (closed ones count until their closing day)."""
    count = func.count().label("overdue")
    for r in _rows(session, select(k.c.account_id, count).group_by(k.c.account_id), k, a, mine,
                   k.c.due_date < day, k.c.created_on <= day,
                   or_(k.c.closed_on.is_(None), k.c.closed_on > day)):
        facts[r.account_id].overdue_tasks = r.overdue


