"""Tasks as the activity read model keeps them (``rm_tasks``): open ones by owner, by
account, or overdue on a day, with the account's number from the open items' directory.

A task is overdue on a day when it is still open and was due before that day; a task due
today is not overdue yet, whatever its time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.projections.projection import Tables

OPEN = "open"


@dataclass(frozen=True)
class TaskRow:
    account: str
    task_id: str
    kind: str
    owner: str | None
    due_date: date
    due_time: str | None
    rule: str | None
    status: str
    created_on: date
    created_by: str
    closed_on: date | None

    def overdue_on(self, day: date) -> bool:
        return self.status == OPEN and self.due_date < day


def tasks(session: Any, activity: Tables, open_items: Tables, *, owner: str | None = None,
          number: str | None = None, overdue_on: date | None = None,
          open_only: bool = True, numbers: Collection[str] | None = None) -> list[TaskRow]:
    """Tasks (open ones unless ``open_only`` is False) of one ``owner``, one account (or
    these ``numbers``), or overdue on a day: each filter given narrows the answer;
    earliest due first."""
    k, a = activity["tasks"], open_items["accounts"]
    query = (select(a.c.number.label("account"), k.c.task_id, k.c.kind, k.c.owner,
                    k.c.due_date, k.c.due_time, k.c.rule, k.c.status, k.c.created_on,
                    k.c.created_by, k.c.closed_on)
             .join(a, a.c.account_id == k.c.account_id)
             .order_by(k.c.due_date, k.c.due_time, a.c.number, k.c.task_id))
    if open_only or overdue_on is not None:
        query = query.where(k.c.status == OPEN)
    if owner is not None:
        query = query.where(k.c.owner == owner)
    if number is not None:
        query = query.where(a.c.number == number)
    if numbers is not None:
        query = query.where(a.c.number.in_(list(numbers)))
    if overdue_on is not None:
        query = query.where(k.c.due_date < overdue_on)
    return [TaskRow(**r._mapping) for r in session.execute(query)]
