"""The directory of accounts: who each debtor is and who works them, a page at a time.

Pages are keyed on the account number (unique, and the order people look for),
so a cursor is the last number seen and the next page starts strictly after it:
no account is listed twice or skipped because others were opened meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ledger.aggregates.errors import InvalidCommand
from ledger.projections.projection import Tables

MAX_PAGE = 1000


@dataclass(frozen=True)
class AccountListing:
    number: str
    name: str
    currency: str
    segment: str
    agent_id: str | None


@dataclass(frozen=True)
class AccountPage:
    """``next_cursor`` is the ``after`` of the next page; None on the last one."""

    items: list[AccountListing]
    next_cursor: str | None


def account_page(
    session: Any,
    open_items_tables: Tables,
    after: str | None = None,
    limit: int = 100,
    *,
    agent: str | None = None,
    segment: str | None = None,
) -> AccountPage:
    """Accounts numbered after ``after``, by number; ``agent`` and ``segment`` narrow
    the list to the accounts currently assigned to that agent or in that segment."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidCommand(f"a page holds 1 to {MAX_PAGE} accounts, not {limit}")
    a = open_items_tables["accounts"]
    query = (
        select(a.c.number, a.c.name, a.c.currency, a.c.segment, a.c.agent_id)
        .order_by(a.c.number)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(a.c.number > after)
    if agent is not None:
        query = query.where(a.c.agent_id == agent)
    if segment is not None:
        query = query.where(a.c.segment == segment)
    rows = session.execute(query).all()
    items = [
        AccountListing(r.number, r.name, r.currency, r.segment, r.agent_id) for r in rows[:limit]
    ]
    return AccountPage(items, items[-1].number if len(rows) > limit else None)


def account_numbers(session: Any, open_items_tables: Tables) -> list[str]:
    """Every account number in the directory, in order (read by its unique index)."""
    a = open_items_tables["accounts"]
    return list(session.scalars(select(a.c.number).order_by(a.c.number)))
