"""One account's arrangements and contacts: its promises, payment plans, settlements and
contact attempts, as the activity read model holds them now.

What the account page lists beside the balances. The rows are read as they stand (status
as of today); the account view (`account_view`) is what answers for a past date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables
from ledger.projections.stored_times import as_utc

LATEST_CONTACTS = 100


@dataclass(frozen=True)
class Arrangement:
    """A promise, plan or settlement: ``made_on`` is when it was made (a settlement:
    proposed), ``due`` when it falls due (a plan: None, see its instalments)."""

    kind: str
    arrangement_id: str
    amount: Decimal
    currency: str
    made_on: date
    made_by: str
    due: date | None
    status: str
    resolved_on: date | None


@dataclass(frozen=True)
class Contact:
    contact_id: str
    at: datetime
    channel: str
    outcome: str
    purpose: str
    agent_id: str


@dataclass(frozen=True)
class AccountArrangements:
    arrangements: list[Arrangement]
    contacts: list[Contact]


def account_arrangements(session: Any, activity: Tables, account_id: str) -> AccountArrangements:
    """The account's promises, plans and settlements (newest first) and its latest
    ``LATEST_CONTACTS`` contact attempts (newest first)."""
    found = _promises(session, activity, account_id) + _plans(session, activity, account_id)
    found += _settlements(session, activity, account_id)
    c = activity["contacts"]
    contacts = [
        Contact(r.contact_id, as_utc(r.at), r.channel, r.outcome, r.purpose, r.agent_id)
        for r in session.execute(
            select(c.c.contact_id, c.c.at, c.c.channel, c.c.outcome, c.c.purpose, c.c.agent_id)
            .where(c.c.account_id == account_id)
            .order_by(c.c.at.desc()).limit(LATEST_CONTACTS)
        )
    ]
    return AccountArrangements(sorted(found, key=lambda a: a.made_on, reverse=True), contacts)


def _promises(session: Any, activity: Tables, account_id: str) -> list[Arrangement]:
    p = activity["promises"]
    rows = session.execute(select(p).where(p.c.account_id == account_id)).all()
    return [Arrangement("promise", r.promise_id, from_minor(r.amount_minor, r.currency),
                        r.currency, r.made_on, r.made_by, r.due_date, r.status, r.resolved_on)
            for r in rows]


def _plans(session: Any, activity: Tables, account_id: str) -> list[Arrangement]:
    p, i = activity["plans"], activity["instalments"]
    rows = session.execute(select(p).where(p.c.account_id == account_id)).all()
    last_due = dict(session.execute(
        select(i.c.plan_id, i.c.due_date).where(i.c.account_id == account_id)
        .order_by(i.c.plan_id, i.c.number)
    ).all())
    return [Arrangement("payment plan", r.plan_id, from_minor(r.total_minor, r.currency),
                        r.currency, r.agreed_on, r.agreed_by, last_due.get(r.plan_id),
                        r.status, r.resolved_on)
            for r in rows]


def _settlements(session: Any, activity: Tables, account_id: str) -> list[Arrangement]:
    s = activity["settlements"]
    rows = session.execute(select(s).where(s.c.account_id == account_id)).all()
    return [Arrangement("settlement", r.settlement_id, from_minor(r.amount_minor, r.currency),
                        r.currency, r.proposed_on, r.requested_by, r.due_by, r.status,
                        r.resolved_on)
            for r in rows]
