"""Tasks: callbacks, follow-ups and reviews on an account, created by people or by the
daily tick's rules; an agent's own, an account's, or those overdue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.command_endpoint import assigned_agent
from api.deps import CallerDep, ReadModelsDep, ServiceDep
from api.path_params import AccountNumber
from api.permissions import AGENT, READERS_OF_HISTORY, READERS_OF_PORTFOLIO, check_read, forbid
from api.read_params import IDENTIFIER, Day, Fresh
from api.schemas.tasks import TaskPublic, TasksPublic
from api.write_route import command_route
from ledger.commands import tasks as t
from ledger.projections.read_models import ReadModels
from ledger.projections.tasks import TaskRow, tasks

writes = APIRouter(prefix="/accounts/{account}", tags=["tasks"])

command_route(writes, "/tasks", t.CreateTask, {
    "task_id": "TSK-0107", "kind": "callback", "due_date": "2026-04-14", "due_time": "14:30",
    "owner": "agent-7", "note": "call back after the board meeting",
}, "Create a task (a callback, follow-up or review) on the account")
command_route(writes, "/task-reassignments", t.ReassignTask, {
    "task_id": "TSK-0107", "owner": "agent-9", "note": "agent-7 is on leave",
}, "Give an open task to someone else")
command_route(writes, "/task-completions", t.CompleteTask, {
    "task_id": "TSK-0107", "note": "spoke to the finance director: paying Friday",
}, "Complete an open task, with a note")
command_route(writes, "/task-cancellations", t.CancelTask, {
    "task_id": "TSK-0107", "note": "paid in full before the call",
}, "Cancel an open task, with a note")

reads = APIRouter(tags=["tasks"], dependencies=[Fresh],
                  responses={401: {}, 403: {}, 422: {}, 503: {}})
READERS_OF_TASKS = READERS_OF_PORTFOLIO | {AGENT}
Owner = Annotated[str | None, Query(**IDENTIFIER, description="only this owner's tasks "
                                    "(an agent: their own, the default)",
                                    examples=["agent-7"])]
Overdue = Annotated[bool, Query(description="only the tasks overdue on the day")]


@reads.get("/tasks", response_model=TasksPublic, operation_id="ListTasks")
def list_tasks(models: ReadModelsDep, caller: CallerDep, owner: Owner = None,
               overdue: Overdue = False, on: Day = None) -> TasksPublic:
    """Open tasks, of one owner or everyone's, or only those overdue; agents see their own."""
    check_read(caller, READERS_OF_TASKS)
    if caller.role == AGENT:
        if owner not in (None, caller.actor_id):
            raise forbid(caller, f"read the tasks of {owner}")
        owner = caller.actor_id
    day = on or models.clock().date()
    return answer(models, day, owner=owner, overdue_on=day if overdue else None)


@reads.get("/accounts/{account}/tasks", response_model=TasksPublic,
           operation_id="ListAccountTasks", responses={404: {}})
def list_account_tasks(account: AccountNumber, service: ServiceDep, models: ReadModelsDep,
                       caller: CallerDep, on: Day = None) -> TasksPublic:
    """The account's tasks, open and closed, earliest due first."""
    check_read(caller, READERS_OF_HISTORY, account, lambda: assigned_agent(service, account))
    service.current_version(account)
    day = on or models.clock().date()
    return answer(models, day, number=account, open_only=False)


def find_tasks(models: ReadModels, **filters: Any) -> list[TaskRow]:
    """`ledger.projections.tasks.tasks`, leaving out quarantined accounts."""
    open_items, activity = models.narrowed(models.excluded("open_items", "activity"),
                                           "open_items", "activity")
    found: list[TaskRow] = models.read(lambda s: tasks(s, activity, open_items, **filters))
    return found


def answer(models: ReadModels, day: date, **filters: Any) -> TasksPublic:
    found = find_tasks(models, **filters)
    return TasksPublic.model_validate({"on": day, "items": [
        TaskPublic(**vars(r), overdue=r.overdue_on(day)) for r in found]})


ROUTERS = [writes, reads]
