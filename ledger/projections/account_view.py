"""An account as of a business date, as known at a recorded time, from the read models.

What it owes, its unapplied credit and its open disputes come from `outstanding`, as
for every other read. Its standing (terms, credit limit, agent, flags, open promise) is
`standing_as_of` over its standing events in the audit history, and its version and
head hash are those of the last event the view counts: dated by ``as_of``, recorded by
``known_at``. Personal data is shown as known at ``known_at``: once erased it is gone
for every date. The result is plain data in a fixed order, so the same events always
give byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, select, union

from ledger.aggregates.errors import AccountNotFound
from ledger.canonical import GENESIS_HASH, plain
from ledger.personal_data.vault import PersonalDataVault
from ledger.projections.amounts import from_minor
from ledger.projections.outstanding import (
    disputed,
    invoices_owing,
    known,
    of_account,
    open_on,
    unapplied_credit,
)
from ledger.projections.projection import Tables
from ledger.projections.standing import EVENT_TYPES, Standing, standing_as_of

PROJECTIONS = ("open_items", "activity", "history")
"""The read models an account view is made of."""


def account_view(session: Any, tables: Mapping[str, Tables], number: str, as_of: date,
                 known_at: datetime | None = None) -> dict[str, Any]:
    """``tables``: the tables of each of `PROJECTIONS`, by projection name."""
    accounts = tables["open_items"]["accounts"]
    account = session.execute(select(accounts).where(accounts.c.number == number)).first()
    history = _standing_events(session, tables["history"], account, known_at)
    if account is None or not history or history[0][0] != "AccountOpened":
        when = f" as known at {known_at.isoformat()}" if known_at else ""
        raise AccountNotFound(f"account {number!r} not found{when}")
    standing = standing_as_of(history, as_of)
    t = of_account(tables["open_items"], account.account_id)
    invoices = _invoices(session, t, as_of, known_at)
    version, head_hash = _head(session, tables["history"], account.account_id, as_of, known_at)
    view = {
        "account": account.number,
        "account_id": account.account_id,
        "name": account.name,
        "currency": account.currency,
        "terms_days": standing.terms_days,
        "credit_limit": standing.credit_limit,
        "timezone": account.timezone,
        "segment": account.segment,
        "agent_id": standing.agent_id,
        "as_of": as_of,
        "known_at": known_at,
        "version": version,
        "head_hash": head_hash,
        "flags": _flags(standing),
        "totals": _totals(session, t, invoices, as_of, known_at),
        "invoices": [row for row in invoices if row["outstanding"] != 0],
        "open_disputes": _open_disputes(session, t, as_of, known_at),
        "open_promise": _promise(session, tables["activity"]["promises"],
                                 account.account_id, standing.open_promise),
        "contact": _contact(session, account.account_id, history, standing),
    }
    result: dict[str, Any] = plain(view)
    return result


def _standing_events(session: Any, history: Any, account: Any, known_at: datetime | None
                     ) -> list[tuple[str, date, dict[str, Any]]]:
    if account is None:
        return []
    h = history["history"]
    rows = session.execute(
        select(h.c.type, h.c.effective_on, h.c.payload)
        .where(h.c.account_id == account.account_id, h.c.type.in_(EVENT_TYPES),
               known(h.c.recorded_at, known_at))
        .order_by(h.c.version)
    )
    return [(r.type, r.effective_on, json.loads(r.payload)) for r in rows]


def _head(session: Any, history: Tables, account_id: str, as_of: date,
          known_at: datetime | None) -> tuple[int, str]:
    """The version and hash of the last event the view counts (0 and the genesis hash
    when it counts none yet)."""
    h = history["history"]
    row = session.execute(
        select(h.c.version, h.c.hash)
        .where(h.c.account_id == account_id, h.c.effective_on <= as_of,
               known(h.c.recorded_at, known_at))
        .order_by(h.c.version.desc()).limit(1)
    ).first()
    return (0, GENESIS_HASH) if row is None else (row.version, row.hash)


def _flags(standing: Standing) -> dict[str, Any]:
    names = ("cease_communication", "agency_id", "legal_referral", "credit_hold",
             "personal_data_erased")
    return {name: getattr(standing, name) for name in names}


def _invoices(session: Any, t: Tables, as_of: date, known_at: datetime | None
              ) -> list[dict[str, Any]]:
    """Every invoice issued by ``as_of`` (and known then), with what it owes and what of
    it is in dispute, by due date."""
    i = t["invoices"]
    owed = invoices_owing(t, as_of, known_at, owing_only=False)
    held = disputed(t, as_of, known_at)
    rows = session.execute(
        select(i.c.invoice_id, i.c.currency, i.c.amount_minor, i.c.issue_date, i.c.due_date,
               i.c.reference, owed.c.outstanding, held.c.disputed)
        .select_from(
            i.outerjoin(owed, owed.c.invoice_id == i.c.invoice_id)
            .outerjoin(held, held.c.invoice_id == i.c.invoice_id)
        )
        .where(i.c.issue_date <= as_of, known(i.c.recorded_at, known_at))
        .order_by(i.c.due_date, i.c.invoice_id)
    )
    return [
        {
            "invoice_id": r.invoice_id,
            "currency": r.currency,
            "amount": from_minor(r.amount_minor, r.currency),
            "issue_date": r.issue_date,
            "due_date": r.due_date,
            "days_past_due": (as_of - r.due_date).days,
            "outstanding": from_minor(r.outstanding, r.currency),
            "disputed": from_minor(r.disputed, r.currency),
            "reference": r.reference,
        }
        for r in rows
    ]


def _totals(session: Any, t: Tables, invoices: list[dict[str, Any]], as_of: date,
            known_at: datetime | None) -> dict[str, dict[str, Any]]:
    """Per currency the account has invoices or payments in (as known at ``known_at``)."""
    i, p = t["invoices"], t["payments"]
    currencies = session.execute(union(
        select(i.c.currency).where(known(i.c.recorded_at, known_at)),
        select(p.c.currency).where(known(p.c.recorded_at, known_at)),
    )).scalars()
    credit = unapplied_credit(t, as_of, known_at)
    credits = dict(session.execute(select(credit.c.currency, credit.c.credit)).tuples().all())
    totals = {}
    for currency in sorted(currencies):
        mine = [row for row in invoices if row["currency"] == currency]
        outstanding = sum((row["outstanding"] for row in mine), from_minor(0, currency))
        unapplied = from_minor(credits.get(currency), currency)
        totals[currency] = {
            "outstanding": outstanding,
            "overdue": sum((row["outstanding"] for row in mine if row["days_past_due"] > 0),
                           from_minor(0, currency)),
            "disputed": sum((row["disputed"] for row in mine), from_minor(0, currency)),
            "unapplied_credit": unapplied,
            "balance": outstanding - unapplied,
        }
    return totals


def _open_disputes(session: Any, t: Tables, as_of: date, known_at: datetime | None
                   ) -> list[dict[str, Any]]:
    d = t["disputes"]
    rows = session.execute(
        select(d.c.dispute_id, d.c.invoice_id, d.c.currency, d.c.amount_minor)
        .where(open_on(d, as_of, known_at)).order_by(d.c.dispute_id)
    )
    return [{"dispute_id": r.dispute_id, "invoice_id": r.invoice_id,
             "amount": from_minor(r.amount_minor, r.currency)} for r in rows]


def _promise(session: Any, promises: Any, account_id: str, promise_id: str | None
             ) -> dict[str, Any] | None:
    if promise_id is None:
        return None
    r = session.execute(
        select(promises.c.currency, promises.c.amount_minor, promises.c.due_date)
        .where(and_(promises.c.account_id == account_id, promises.c.promise_id == promise_id))
    ).one()
    return {"promise_id": promise_id, "amount": from_minor(r.amount_minor, r.currency),
            "currency": r.currency, "due_date": r.due_date}


def _contact(session: Any, account_id: str, history: list[tuple[str, date, dict[str, Any]]],
             standing: Standing) -> dict[str, Any] | None:
    """The contact details in clear, each null once its key is gone; none once erased."""
    opened = history[0][2]
    if standing.personal_data_erased or opened.get("contact") is None:
        return None
    vault, owner = PersonalDataVault(session), UUID(account_id)
    return {name: vault.reveal(owner, f"AccountOpened.contact.{name}", token)
            for name, token in opened["contact"].items()}
