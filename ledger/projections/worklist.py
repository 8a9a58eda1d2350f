"""An agent's worklist for a day: the accounts to work, best first, and those kept off.

The facts come from the open-items and activity read models as of the day
(`worklist_facts`); the scoring and the exclusions are the pure functions of
`worklist_scoring`. Ranking stores nothing, so anyone may look at a ranking
without changing what is measured. Handing a worklist out (`build_worklist`)
stores it, replacing that agent's and day's rows in the caller's transaction, so
what was handed out can be counted later: an item is *cleared* when its agent
contacted the account that day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, func, select

from ledger.aggregates.contact_policy import ContactPolicies
from ledger.fx import Reporting
from ledger.projections.projection import Tables
from ledger.projections.stored_times import as_utc
from ledger.projections.worklist_facts import gather_facts
from ledger.projections.worklist_scoring import (
    AccountFacts,
    WorklistWeights,
    components,
    exclusion,
    rates_used,
)

DEFAULT_WEIGHTS = WorklistWeights()
DEFAULT_CONTACT_POLICIES = ContactPolicies()
RATES = "rates"
"""Where a stored item's rate dates sit in its components' JSON (not a component)."""


@dataclass(frozen=True)
class WorklistItem:
    rank: int
    account_id: str
    account: str
    score: Decimal
    components: dict[str, Decimal]
    excluded: bool = False
    reason: str | None = None
    detail: str = ""
    rates: dict[str, str] = field(default_factory=dict)
    """With a reporting currency: per currency owed, the rate date used or ``no rate``."""


@dataclass(frozen=True)
class Worklist:
    """``items`` to work, ranked; ``excluded`` ranked the same way, each with its reason;
    ``quarantined_accounts``: the agent's accounts left out because a read model could not
    project them (`exclusions`), so their figures are unknown rather than wrong."""

    agent_id: str
    day: date
    computed_at: datetime
    items: tuple[WorklistItem, ...]
    excluded: tuple[WorklistItem, ...]
    quarantined_accounts: tuple[str, ...] = ()
    reporting_currency: str | None = None
    weights_version: int | None = None
    """The version of the worklist weights it was ranked with (`worklist_policy`: 0 is the
    built-in weights); None where the caller did not say."""


def build_worklist(
    session: Any,
    open_items_tables: Tables,
    activity_tables: Tables,
    worklist_table: Table,
    agent_id: str,
    day: date,
    weights: WorklistWeights = DEFAULT_WEIGHTS,
    *,
    policies: ContactPolicies = DEFAULT_CONTACT_POLICIES,
    computed_at: datetime | None = None,
    reporting: Reporting | None = None,
) -> Worklist:
    """Rank the agent's accounts and hand the result out: stored, so KPIs count it."""
    worklist = rank_worklist(session, open_items_tables, activity_tables, agent_id, day,
                             weights, policies=policies, computed_at=computed_at,
                             reporting=reporting)
    _replace(session, worklist_table, worklist)
    return worklist


def rank_worklist(
    session: Any,
    open_items_tables: Tables,
    activity_tables: Tables,
    agent_id: str,
    day: date,
    weights: WorklistWeights = DEFAULT_WEIGHTS,
    *,
    policies: ContactPolicies = DEFAULT_CONTACT_POLICIES,
    computed_at: datetime | None = None,
    reporting: Reporting | None = None,
) -> Worklist:
    """The worklist as it would be handed out now; writes nothing. With a ``reporting``
    currency, overdue money is ranked in it (`worklist_scoring.components`)."""
    facts = gather_facts(session, open_items_tables, activity_tables, agent_id, day,
                         weights, policies.longest_lookback_days())
    scored: list[tuple[Decimal, str, AccountFacts, dict[str, Decimal]]] = []
    for account in facts:
        if account.to_work():
            parts = components(account, day, weights, reporting)
            scored.append((sum(parts.values(), Decimal(0)), account.number, account, parts))
    scored.sort(key=lambda s: (-s[0], s[1]))
    items: list[WorklistItem] = []
    excluded: list[WorklistItem] = []
    for score, number, account, parts in scored:
        kept_off = exclusion(account, day, policies.for_portfolio(account.segment))
        into = items if kept_off is None else excluded
        reason, detail = kept_off or (None, "")
        into.append(WorklistItem(len(into) + 1, account.account_id, number, score, parts,
                                 kept_off is not None, reason, detail,
                                 rates_used(account, day, reporting)))
    return Worklist(agent_id, day, computed_at or datetime.now(UTC), tuple(items),
                    tuple(excluded),
                    reporting_currency=None if reporting is None else reporting.currency)


def stored_worklist(
    session: Any, worklist_table: Table, agent_id: str, day: date
) -> Worklist | None:
    """The worklist as handed out, or None if none was (or it was empty)."""
    w = worklist_table
    rows = list(session.execute(
        select(w).where(w.c.agent_id == agent_id, w.c.day == day)
        .order_by(w.c.excluded, w.c.rank)
    ))
    if not rows:
        return None
    items = [_stored_item(r) for r in rows]
    return Worklist(agent_id, day, as_utc(rows[0].computed_at),
                    tuple(i for i in items if not i.excluded),
                    tuple(i for i in items if i.excluded))


def _stored_item(r: Any) -> WorklistItem:
    """Components are decimal strings by name, beside them ``rates`` when ranked in a
    reporting currency."""
    parts = json.loads(r.components)
    rates = parts.pop(RATES, {})
    return WorklistItem(r.rank, r.account_id, r.account_number, Decimal(r.score),
                        {k: Decimal(v) for k, v in parts.items()},
                        bool(r.excluded), r.reason, r.detail, rates)


def cleared_items(
    session: Any, worklist_table: Table, activity_tables: Tables, agent_id: str,
    start: date, end: date,
) -> int:
    """Items (not exclusions) of the agent's worklists dated in [start, end] whose
    account that agent contacted on the worklist's day."""
    w, c = worklist_table, activity_tables["contacts"]
    contacted = (
        select(c.c.contact_id)
        .where(c.c.account_id == w.c.account_id, c.c.agent_id == w.c.agent_id,
               c.c.on_date == w.c.day)
        .exists()
    )
    query = select(func.count()).select_from(w).where(
        w.c.agent_id == agent_id, w.c.day >= start, w.c.day <= end,
        w.c.excluded.is_(False), contacted,
    )
    return int(session.execute(query).scalar_one())


def _replace(session: Any, table: Table, worklist: Worklist) -> None:
    session.execute(delete(table).where(table.c.agent_id == worklist.agent_id,
                                        table.c.day == worklist.day))
    rows = [
        {
            "agent_id": worklist.agent_id, "day": worklist.day, "account_id": i.account_id,
            "rank": i.rank, "account_number": i.account, "score": str(i.score),
            "components": json.dumps({**{k: str(v) for k, v in i.components.items()},
                                      **({RATES: i.rates} if i.rates else {})},
                                     sort_keys=True),
            "excluded": i.excluded, "reason": i.reason, "detail": i.detail,
            "computed_at": worklist.computed_at,
        }
        for i in (*worklist.items, *worklist.excluded)
    ]
    if rows:
        session.execute(table.insert(), rows)
