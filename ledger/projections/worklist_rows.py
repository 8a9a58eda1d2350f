"""What an agent needs beside a worklist row's score to make the call.

The ranking (`worklist`) says which accounts and why; picking up the phone also needs the
customer's name, what is overdue in each currency and for how long, any promise or plan
already open (so the agent does not ask twice), the invoices a dispute could be about, the
debtor's local time, and when the contact policy next permits a call. That last answer
comes from `next_call.next_permitted_call` on the same facts the worklist's exclusions are
decided from (`worklist_facts`), so the two agree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ledger.aggregates.contact_policy import ContactPolicies, Standing
from ledger.aggregates.next_call import next_permitted_call
from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables
from ledger.projections.worklist import DEFAULT_WEIGHTS
from ledger.projections.worklist_facts import assigned_to, gather_facts


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: str
    currency: str
    due_date: date
    outstanding: Decimal


@dataclass
class WorklistAccount:
    account_id: str
    number: str
    name: str
    timezone: str
    overdue: dict[str, Decimal] = field(default_factory=dict)
    oldest_days_past_due: int | None = None
    open_promise: tuple[Decimal, str, date] | None = None
    """(amount, currency, due date) of the open promise, if any."""
    open_plan: tuple[Decimal, str] | None = None
    """(total, currency) of the active payment plan, if any."""
    invoices: list[OpenInvoice] = field(default_factory=list)
    next_call: datetime | None = None


def worklist_accounts(
    session: Any, open_items: Tables, activity: Tables, agent_id: str, day: date,
    now: datetime, policies: ContactPolicies, only: Collection[str] | None = None,
    next_calls: bool = True,
) -> dict[str, WorklistAccount]:
    """The agent's accounts by account id (``only``: those among these ids), as of ``day``
    (what they owe today), with the next permitted call at or after ``now`` (unless
    ``next_calls`` is false: the accounts kept off the worklist show none)."""
    a, i = open_items["accounts"], open_items["invoices"]
    mine = assigned_to(a, agent_id, only)
    accounts = {
        r.account_id: WorklistAccount(r.account_id, r.number, r.name, r.timezone)
        for r in session.execute(select(a.c.account_id, a.c.number, a.c.name, a.c.timezone)
                                 .where(mine))
    }
    for r in session.execute(
        select(i.c.account_id, i.c.invoice_id, i.c.currency, i.c.due_date,
               i.c.outstanding_minor)
        .select_from(i.join(a, a.c.account_id == i.c.account_id))
        .where(mine, i.c.outstanding_minor > 0)
        .order_by(i.c.account_id, i.c.due_date, i.c.invoice_id)
    ):
        account = accounts[r.account_id]
        owed = from_minor(r.outstanding_minor, r.currency)
        account.invoices.append(OpenInvoice(r.invoice_id, r.currency, r.due_date, owed))
        if r.due_date < day:
            account.overdue[r.currency] = account.overdue.get(r.currency, Decimal(0)) + owed
            late = (day - r.due_date).days
            account.oldest_days_past_due = max(account.oldest_days_past_due or 0, late)
    _arrangements(session, activity, a, mine, accounts)
    if next_calls:
        _next_calls(session, open_items, activity, agent_id, day, now, policies, accounts,
                    only)
    return accounts


def _arrangements(session: Any, activity: Tables, a: Any, mine: Any,
                  accounts: dict[str, WorklistAccount]) -> None:
    p, plans = activity["promises"], activity["plans"]
    for r in session.execute(
        select(p.c.account_id, p.c.amount_minor, p.c.currency, p.c.due_date)
        .select_from(p.join(a, a.c.account_id == p.c.account_id))
        .where(mine, p.c.status == "open")
    ):
        amount = from_minor(r.amount_minor, r.currency)
        accounts[r.account_id].open_promise = (amount, r.currency, r.due_date)
    for r in session.execute(
        select(plans.c.account_id, plans.c.total_minor, plans.c.currency)
        .select_from(plans.join(a, a.c.account_id == plans.c.account_id))
        .where(mine, plans.c.status == "active")
    ):
        accounts[r.account_id].open_plan = (from_minor(r.total_minor, r.currency), r.currency)


def _next_calls(
    session: Any, open_items: Tables, activity: Tables, agent_id: str, day: date,
    now: datetime, policies: ContactPolicies, accounts: dict[str, WorklistAccount],
    only: Collection[str] | None,
) -> None:
    facts = gather_facts(session, open_items, activity, agent_id, day, DEFAULT_WEIGHTS,
                         policies.longest_lookback_days(), only)
    for f in facts:
        owed = [o for o in f.owed if o.outstanding > 0]
        standing = Standing(f.timezone, f.cease_communication, f.agency_id, f.legal_referral,
                            bool(owed) and all(o.undisputed == 0 for o in owed))
        accounts[f.account_id].next_call = next_permitted_call(
            standing, f.calls, now, policies.for_portfolio(f.segment))


def agent_ids(session: Any, open_items: Tables) -> list[str]:
    """The agents with accounts assigned, by id: whose worklists there are to look at."""
    a = open_items["accounts"]
    return list(session.execute(
        select(a.c.agent_id).where(a.c.agent_id.is_not(None)).distinct()
        .order_by(a.c.agent_id)).scalars())
