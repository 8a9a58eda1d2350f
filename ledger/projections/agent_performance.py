"""What each collections agent achieved in a period, as queries over the read models.

Cash is credited to the agent the account is assigned to *now* (the read model
keeps the current assignment, not its history), so a reassigned account's cash
follows it to the new agent. Promises and contacts are credited to whoever made
them, whatever account they were on. Cash stays per currency, never converted.

Worklist items cleared come from the stored worklists (``worklist.cleared_items``:
an item the agent contacted on its day) when the caller passes that table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func

from ledger.projections.amounts import from_minor
from ledger.projections.kpi_figures import Scope, not_reversed
from ledger.projections.projection import Tables
from ledger.projections.worklist import cleared_items


@dataclass
class AgentPerformance:
    """One agent over a period.

    ``collected``: payments received in the period and not reversed, on accounts
    currently assigned to the agent, per currency. ``recovered``: recoveries of
    written-off amounts received in the period on those accounts (cash as well,
    kept apart because it does not reduce AR). ``promises_obtained``: promises
    the agent made in the period. ``contacts_made``: contact attempts the agent
    recorded in the period (every channel and outcome). ``worklist_items_cleared``:
    worklist items of the period the agent contacted on their day, or ``None`` when
    no worklist table was given.
    """

    agent_id: str
    collected: dict[str, Decimal] = field(default_factory=dict)
    recovered: dict[str, Decimal] = field(default_factory=dict)
    promises_obtained: int = 0
    contacts_made: int = 0
    worklist_items_cleared: int | None = None


def agent_performance(
    session: Any,
    open_items_tables: Tables,
    activity_tables: Tables,
    start: date,
    end: date,
    *,
    agent: str | None = None,
    segment: str | None = None,
    known_at: datetime | None = None,
    worklist_table: Table | None = None,
    account: str | None = None,
    currency: str | None = None,
) -> list[AgentPerformance]:
    """Per agent, sorted by agent id, for ``start``..``end`` inclusive.

    ``agent`` reports that agent only (a row of zeros if they did nothing);
    ``segment`` counts only accounts of that segment, ``account`` only that account,
    ``currency`` only cash, recoveries and promises in that currency. ``known_at`` keeps payments,
    reversals, recoveries and promises recorded by then; contacts carry no
    recorded time in the read model and are counted as currently known. With
    ``worklist_table`` (the stored worklists), each agent's cleared items are
    counted too; that count ignores ``segment``, ``account``, ``currency`` and ``known_at``.
    """
    if end < start:
        raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
    accounts = open_items_tables["accounts"]
    scope = Scope(accounts, None, segment, known_at, account, currency)
    rows: dict[str, AgentPerformance] = {}

    def row(agent_id: str) -> AgentPerformance:
        return rows.setdefault(agent_id, AgentPerformance(agent_id))

    for agent_id, cur, total in _collected(session, open_items_tables, scope, start, end):
        row(agent_id).collected[cur] = from_minor(total, cur)
    for agent_id, cur, total in _recovered(session, activity_tables, scope, start, end):
        row(agent_id).recovered[cur] = from_minor(total, cur)
    for agent_id, count in _promises(session, activity_tables, scope, start, end).items():
        row(agent_id).promises_obtained = count
    for agent_id, count in _contacts(session, activity_tables, scope, start, end).items():
        row(agent_id).contacts_made = count
    chosen = [agent] if agent is not None else sorted(rows)
    report = [rows.get(agent_id, AgentPerformance(agent_id)) for agent_id in chosen]
    if worklist_table is not None:
        for performance in report:
            performance.worklist_items_cleared = cleared_items(
                session, worklist_table, activity_tables, performance.agent_id, start, end)
    return report


def _collected(
    session: Any, t: Tables, scope: Scope, start: date, end: date
) -> list[tuple[str, str, int]]:
    p, owner = t["payments"], scope.accounts.c.agent_id
    query = (
        scope.select(p, owner, p.c.currency, func.sum(p.c.amount_minor).label("total"))
        .where(owner.is_not(None), p.c.received_on.between(start, end),
               scope.known(p.c.recorded_at), not_reversed(p, scope.known_at))
        .group_by(owner, p.c.currency)
    )
    return [(r.agent_id, r.currency, int(r.total)) for r in session.execute(query)]


def _recovered(
    session: Any, a: Tables, scope: Scope, start: date, end: date
) -> list[tuple[str, str, int]]:
    r, owner = a["recoveries"], scope.accounts.c.agent_id
    query = (
        scope.select(r, owner, r.c.currency, func.sum(r.c.amount_minor).label("total"))
        .where(owner.is_not(None), r.c.received_on.between(start, end),
               scope.known(r.c.recorded_at))
        .group_by(owner, r.c.currency)
    )
    return [(x.agent_id, x.currency, int(x.total)) for x in session.execute(query)]


def _promises(session: Any, a: Tables, scope: Scope, start: date, end: date) -> dict[str, int]:
    p = a["promises"]
    query = (
        scope.select(p, p.c.made_by, func.count().label("total"))
        .where(p.c.made_on.between(start, end), scope.known(p.c.made_at))
        .group_by(p.c.made_by)
    )
    return {r.made_by: int(r.total) for r in session.execute(query)}


def _contacts(session: Any, a: Tables, scope: Scope, start: date, end: date) -> dict[str, int]:
    c = a["contacts"]
    query = (
        scope.select(c, c.c.agent_id, func.count().label("total"))
        .where(c.c.on_date.between(start, end))
        .group_by(c.c.agent_id)
    )
    return {r.agent_id: int(r.total) for r in session.execute(query)}
