"""Aging by account a page at a time, keyed on the account number.

A page is the next ``limit`` accounts numbered after the cursor that match the filters,
chosen in SQL (``WHERE number > :after ORDER BY number LIMIT :limit + 1``, on the unique
index of ``rm_accounts.number``); the aging is then asked of those accounts only, the
invoices and the unapplied credit alike, over tables narrowed to them, so a page costs
its own accounts' rows rather than the portfolio's. An account that owes nothing and
holds no credit as of the date has no row, so a page may hold fewer rows than ``limit``
(an account owing in two currencies has two): only a null ``next_cursor`` ends the walk.
Accounts opened meanwhile never shift a cursor: a later page starts strictly after the
last number seen, as the account directory's pages do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ledger.aggregates.errors import InvalidCommand
from ledger.projections.account_directory import MAX_PAGE
from ledger.projections.aging import DEFAULT_EDGES, AgingRow, aging
from ledger.projections.outstanding import accounts_matching, of_accounts
from ledger.projections.projection import Tables


@dataclass(frozen=True)
class AgingPage:
    """``next_cursor`` is the ``after`` of the next page; None on the last one."""

    rows: list[AgingRow]
    next_cursor: str | None


def aging_page(
    session: Any,
    t: Tables,
    as_of: date,
    known_at: datetime | None = None,
    edges: Sequence[int] = DEFAULT_EDGES,
    currency: str | None = None,
    *,
    after: str | None = None,
    limit: int = 100,
    account: str | None = None,
    agent: str | None = None,
    segment: str | None = None,
) -> AgingPage:
    """Aging by account of the next ``limit`` matching accounts numbered after ``after``."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidCommand(f"a page holds 1 to {MAX_PAGE} accounts, not {limit}")
    accounts = t["accounts"]
    query = (
        select(accounts.c.account_id, accounts.c.number)
        .where(accounts_matching(accounts, account=account, agent=agent, segment=segment))
        .order_by(accounts.c.number)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(accounts.c.number > after)
    found = session.execute(query).all()
    page = found[:limit]
    rows = aging(session, of_accounts(t, [r.account_id for r in page], "page"), as_of,
                 known_at, "account", edges, currency) if page else []
    return AgingPage(rows, page[-1].number if len(found) > limit else None)
