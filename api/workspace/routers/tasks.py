"""The account page's task actions: create a task, complete or cancel an open one.

Each goes through the API's own command path (`row_actions.carry_out_command`: the
permission check, the command's validation, the service), then back to the account's
tasks (303); a refusal is the page naming the API's rule.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import Request
from fastapi.responses import RedirectResponse

from api.deps import CorrelationDep, ReadModelsDep, ServiceDep
from api.keys import Caller
from api.workspace.deps import SignedInDep, page_router
from api.workspace.refusals import PageRefused
from api.workspace.row_actions import carry_out_command, task_fields
from ledger.commands import tasks as t
from ledger.commands.base import Command
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService

router = page_router()
CLOSINGS: dict[str, type[Command]] = {"completion": t.CompleteTask,
                                      "cancellation": t.CancelTask}


@router.post("/accounts/{number}/tasks")
async def create_task(request: Request, number: str, caller: SignedInDep,
                      service: ServiceDep, models: ReadModelsDep,
                      correlation_id: CorrelationDep) -> RedirectResponse:
    """Create a task on the account (``POST /accounts/{account}/tasks``)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    body = {"task_id": f"TK-{uuid4().hex[:16]}", **task_fields(form)}
    return carried_out(service, models, caller, t.CreateTask, number, body, correlation_id)


@router.post("/accounts/{number}/tasks/{task_id}/{closing}")
async def close_task(request: Request, number: str, task_id: str, closing: str,
                     caller: SignedInDep, service: ServiceDep, models: ReadModelsDep,
                     correlation_id: CorrelationDep) -> RedirectResponse:
    """Complete or cancel an open task, with the form's note."""
    if closing not in CLOSINGS:
        raise PageRefused(404, "not-found", f"a task has no {closing!r}")
    form = await request.form()
    body = {"task_id": task_id, "note": str(form.get("note", ""))}
    return carried_out(service, models, caller, CLOSINGS[closing], number, body,
                       correlation_id)


def carried_out(service: LedgerService, models: ReadModels, caller: Caller,
                command: type[Command], number: str, body: dict[str, Any],
                correlation_id: str) -> RedirectResponse:
    position, problem = carry_out_command(service, caller, command, number, body,
                                          correlation_id)
    if problem is not None:
        status = {"validation-error": 422, "forbidden": 403, "task-not-found": 404}
        raise PageRefused(status.get(problem.rule, 409), problem.rule, problem.detail)
    models.wait_for(position)
    return RedirectResponse(f"/app/accounts/{number}#tasks", status_code=303)


ROUTERS = (router,)
