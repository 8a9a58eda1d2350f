"""Tasks: a callback, follow-up or review that someone owns and does by a business date.

People create, reassign, complete and cancel them; the daily tick creates them by rule
when a promise falls due tomorrow, a promise is broken or an instalment is missed (and,
once notices are delivered, when a delivery fails: `RULES`). A rule's task has an id made
from the rule and what it is about (``due:PTP-1``, ``missed:PLN-1.2``), so a tick run
twice creates it once. Its owner is the account's agent at the time, or nobody (a
manager's to hand out) on an unassigned account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    DuplicateId,
    InvalidCommand,
    InvalidDates,
    TaskNotFound,
    TaskNotOpen,
)
from ledger.aggregates.state import Task, made_from
from ledger.commands.tasks import CancelTask, CompleteTask, CreateTask, ReassignTask

PROMISE_DUE_TOMORROW, PROMISE_BROKEN, INSTALMENT_MISSED, NOTICE_FAILED = (
    "promise-due-tomorrow", "promise-broken", "instalment-missed", "notice-failed")
RULES = (PROMISE_DUE_TOMORROW, PROMISE_BROKEN, INSTALMENT_MISSED, NOTICE_FAILED)
"""The rules that raise tasks: the daily tick raises the first three; the notices'
delivery raises ``notice-failed`` when a notice cannot be delivered
(`ledger.notices.delivery`)."""


def task_book(account: Any) -> dict[str, Task]:
    """The account's tasks; an account snapshotted before tasks existed has none yet."""
    tasks: dict[str, Task] = account.__dict__.setdefault("tasks", {})
    return tasks


class TaskCreated(LedgerEvent):
    """``rule`` names the rule that created the task and ``about`` what it is about (a
    promise, a plan's instalment); both are None for a task a person created."""

    task_id: str
    kind: str
    owner: str | None
    due_date: date
    due_time: str | None
    note: str
    rule: str | None
    about: str | None

    def apply(self, account: Any) -> None:
        task_book(account)[self.task_id] = made_from(Task, self, created_on=self.effective_on)


class TaskReassigned(LedgerEvent):
    task_id: str
    owner: str
    previous_owner: str | None
    note: str

    def apply(self, account: Any) -> None:
        task_book(account)[self.task_id].owner = self.owner


class TaskCompleted(LedgerEvent):
    task_id: str
    note: str

    def apply(self, account: Any) -> None:
        task_book(account)[self.task_id].status = "completed"


class TaskCancelled(LedgerEvent):
    task_id: str
    note: str

    def apply(self, account: Any) -> None:
        task_book(account)[self.task_id].status = "cancelled"


class TaskCommands(AccountState):
    def task(self, task_id: str) -> Task:
        try:
            return task_book(self)[task_id]
        except KeyError:
            raise TaskNotFound(f"task {task_id!r} not found on {self.number}") from None

    def open_task(self, task_id: str) -> Task:
        task = self.task(task_id)
        if task.status != "open":
            raise TaskNotOpen(f"task {task_id!r} is already {task.status}")
        return task

    def create_task(self, ctx: CommandContext, cmd: CreateTask) -> None:
        if cmd.task_id in task_book(self):
            raise DuplicateId(f"task {cmd.task_id!r} already exists")
        if cmd.due_date < ctx.effective_on:
            raise InvalidDates(f"a task due {cmd.due_date} cannot be created on "
                               f"{ctx.effective_on}")
        self._record(TaskCreated, ctx, cmd, owner=cmd.owner or ctx.actor_id, rule=None,
                     about=None)

    def reassign_task(self, ctx: CommandContext, cmd: ReassignTask) -> None:
        task = self.open_task(cmd.task_id)
        if task.owner == cmd.owner:
            raise InvalidCommand(f"task {cmd.task_id!r} is already owned by {cmd.owner!r}")
        self._record(TaskReassigned, ctx, cmd, previous_owner=task.owner)

    def complete_task(self, ctx: CommandContext, cmd: CompleteTask) -> None:
        self.open_task(cmd.task_id)
        self._record(TaskCompleted, ctx, cmd)

    def cancel_task(self, ctx: CommandContext, cmd: CancelTask) -> None:
        self.open_task(cmd.task_id)
        self._record(TaskCancelled, ctx, cmd)

    def raise_task(self, ctx: CommandContext, rule: str, about: str, kind: str,
                   due_date: date) -> None:
        """A rule's task, once per rule and subject: a repeated tick adds nothing."""
        task_id = rule_task_id(rule, about)
        if task_id not in task_book(self):
            self._record(TaskCreated, ctx, task_id=task_id, kind=kind, owner=self.agent_id,
                         due_date=due_date, due_time=None, note="", rule=rule, about=about)

    def arrangements_seen(self) -> Seen:
        """What the tick's judging may change: the open promises, each plan's misses."""
        return Seen({p.promise_id for p in self.promises.values() if p.status == "open"},
                    {p.plan_id: set(p.missed) for p in self.plans.values()})

    def raise_rule_tasks(self, ctx: CommandContext, day: date, before: Seen) -> None:
        """The daily tick's part, after promises and plans were judged for ``day``: a task
        for what this judging broke or missed (never for what broke before tasks
        existed), and a callback the day before an open promise falls due."""
        for promise in list(self.promises.values()):
            if promise.status == "open" and promise.due_date == day + timedelta(days=1):
                self.raise_task(ctx, PROMISE_DUE_TOMORROW, promise.promise_id, "callback", day)
            elif promise.status == "broken" and promise.promise_id in before.open_promises:
                self.raise_task(ctx, PROMISE_BROKEN, promise.promise_id, "follow_up", day)
        for plan in list(self.plans.values()):
            for number in set(plan.missed) - before.missed.get(plan.plan_id, set()):
                self.raise_task(ctx, INSTALMENT_MISSED, f"{plan.plan_id}.{number}",
                                "follow_up", day)


@dataclass(frozen=True)
class Seen:
    open_promises: set[str]
    missed: dict[str, set[int]]


TAGS = {PROMISE_DUE_TOMORROW: "due", PROMISE_BROKEN: "broken", INSTALMENT_MISSED: "missed",
        NOTICE_FAILED: "notice"}


def rule_task_id(rule: str, about: str) -> str:
    """``due:PTP-1``; a digest of ``about`` when that would pass an id's 64 characters."""
    task_id = f"{TAGS[rule]}:{about}"
    if len(task_id) <= 64:
        return task_id
    return f"{TAGS[rule]}:{hashlib.sha256(about.encode()).hexdigest()[:40]}"
