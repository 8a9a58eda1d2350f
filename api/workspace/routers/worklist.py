"""The worklist page: an agent's accounts to work today, best first, with what the call
needs, its open tasks, and the row's actions (log a contact, record a promise, open a
dispute, create a task).

Reads are the API's: what was handed out for today (else the ranking as it would be
handed out, stored only when someone hands it out) and the worklist's accounts
(`ReadModels.worklist_accounts`). Who may see whose worklist is the API's rule
(`api.routers.worklists.check_own`). The actions go through the API's own command path
(`row_actions`). Forms work without JavaScript (POST, then 303 back to the row); with
htmx the row alone is re-rendered.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CorrelationDep, ReadModelsDep, ServiceDep
from api.keys import Caller
from api.permissions import AGENT
from api.routers.tasks import find_tasks
from api.routers.worklists import WORKLIST_HANDERS, check_own
from api.workspace.deps import WorklistViewer, page_router
from api.workspace.refusals import PageRefused
from api.workspace.row_actions import (
    ACTIONS,
    DONE,
    RULES_IN_WORDS,
    Problem,
    carry_out_action,
    fields_of,
    may_act,
)
from api.workspace.templating import templates
from ledger.aggregates import account_id_for
from ledger.projections.read_models import ReadModels
from ledger.projections.worklist_rows import agent_ids

router = page_router()
CHANNELS = ("call", "email", "letter", "sms", "visit")
OUTCOMES = ("no_answer", "left_message", "conversation", "wrong_number", "refused", "sent")
ROWS_PER_PAGE = 100
"""Rows rendered at once: an agent's day is the top of the list, and 1,000 rows with their
forms are megabytes of HTML (bench/README.md, target 13)."""


def agent_to_show(caller: Caller, models: ReadModels, asked: str | None) -> str:
    """An agent sees their own; anyone else the agent asked for, or the first."""
    if caller.role == AGENT and asked in (None, ""):
        return caller.actor_id
    agent = asked or next(iter(models.read(lambda s: agent_ids(s, models.tables(
        "open_items")))), caller.actor_id)
    try:
        check_own(caller, agent, "read")
    except HTTPException as refused:
        raise PageRefused(403, "forbidden", str(refused.detail)) from None
    return agent


def page_of(items: list[Any], page: int, account: str | None) -> tuple[int, int]:
    """(the page to show, how many there are): the one holding ``account`` if it is a
    row (coming back to a row after its action), else ``page`` within the pages."""
    pages = max(ceil(len(items) / ROWS_PER_PAGE), 1)
    ranks = {item.account: n for n, item in enumerate(items)}
    if account in ranks:
        return ranks[account] // ROWS_PER_PAGE + 1, pages
    return min(max(page, 1), pages), pages


def page_context(caller: Caller, models: ReadModels, agent: str, page: int = 1,
                 account: str | None = None, reasons: tuple[str, ...] = ()
                 ) -> dict[str, Any]:
    """The worklist's rows a page at a time: what a row shows is read for its page's
    accounts only, and the accounts kept off (name and overdue) without a next call.
    ``reasons``: the configured dispute reason codes, the dispute form's choices."""
    day = models.clock().date()
    handed_out = models.handed_out_worklist(agent, day)
    worklist = handed_out or models.worklist(agent, day)
    page, pages = page_of(worklist.items, page, account)
    shown = worklist.items[(page - 1) * ROWS_PER_PAGE:page * ROWS_PER_PAGE]
    accounts = models.worklist_accounts(agent, day, [item.account_id for item in shown])
    kept_off = models.worklist_accounts(
        agent, day, [item.account_id for item in worklist.excluded], next_calls=False)
    row_tasks: dict[str, list[Any]] = {}
    for task in find_tasks(models, numbers=[item.account for item in shown]) if shown else []:
        row_tasks.setdefault(task.account, []).append(task)
    agents = ([] if caller.role == AGENT else
              models.read(lambda s: agent_ids(s, models.tables("open_items"))))
    return {
        "agent": agent, "agents": agents, "day": day, "now": models.clock(),
        "worklist": worklist, "handed_out": handed_out is not None,
        "may_hand_out": caller.role in WORKLIST_HANDERS,
        "page": page, "pages": pages, "first_rank": (page - 1) * ROWS_PER_PAGE + 1,
        "rows": [(item, accounts.get(item.account_id)) for item in shown],
        "excluded": [(item, kept_off.get(item.account_id)) for item in worklist.excluded],
        "may": may_act(caller), "rules": RULES_IN_WORDS, "tasks": row_tasks,
        "channels": CHANNELS, "outcomes": OUTCOMES, "reasons": reasons,
    }


@router.get("/worklist")
def worklist(
    request: Request, caller: WorklistViewer, models: ReadModelsDep, service: ServiceDep,
    agent: str | None = None, done: str | None = None, account: str | None = None,
    page: str = "1",
) -> HTMLResponse:
    """Worklist: the agent's own, or (managers, auditors) any agent's, a page of rows."""
    shown = agent_to_show(caller, models, agent)
    context = page_context(caller, models, shown, int(page) if page.isdigit() else 1,
                           account, service.policies.dispute_reasons)
    context["flash"] = {account: DONE[done]} if done in DONE and account else {}
    return templates.TemplateResponse(request, "worklist.html", context)


@router.post("/worklist/hand-out")
def hand_out(
    caller: WorklistViewer, models: ReadModelsDep, agent: Annotated[str, Form()],
) -> RedirectResponse:
    """Hand today's worklist out (stored, so KPIs count the items worked), as the API's
    POST /worklists/{agent_id}."""
    shown = agent_to_show(caller, models, agent)
    if caller.role not in WORKLIST_HANDERS:
        raise PageRefused(403, "forbidden", f"{caller.actor_id} ({caller.role}) may not "
                                            "hand out worklists")
    models.hand_out_worklist(shown, models.clock().date())
    return RedirectResponse(f"/app/worklist?agent={shown}", status_code=303)


@router.post("/worklist/{account}/{action}")
async def act(
    request: Request, account: str, action: str, caller: WorklistViewer,
    models: ReadModelsDep, service: ServiceDep, correlation_id: CorrelationDep,
) -> Response:
    """A row's action, carried out as the API would; the row re-rendered (htmx) or the
    page redirected back to it, or the refusal shown next to the form."""
    if action not in ACTIONS:
        raise PageRefused(404, "not-found", f"a worklist row has no action {action!r}")
    form = {k: str(v) for k, v in (await request.form()).items()}
    shown = agent_to_show(caller, models, form.get("agent"))
    accounts = {a.number: a for a in models.worklist_accounts(
        shown, models.clock().date(), [str(account_id_for(account))]).values()}
    timezone = accounts[account].timezone if account in accounts else "UTC"
    position, problem = carry_out_action(service, caller, action, account,
                                         fields_of(action, form, timezone), correlation_id)
    if problem is None:
        models.wait_for(position)
    if problem is None and "hx-request" not in request.headers:
        return RedirectResponse(
            f"/app/worklist?agent={shown}&done={action}&account={account}#row-{account}",
            status_code=303)
    context = page_context(caller, models, shown, account=account,
                           reasons=service.policies.dispute_reasons)
    context["flash"] = {account: DONE[action]} if problem is None else {}
    context["problems"] = {} if problem is None else {account: (action, problem)}
    context["form"] = form
    if "hx-request" in request.headers:
        row = next((r for r in (*context["rows"], *context["excluded"])
                    if r[0].account == account), None)
        return templates.TemplateResponse(request, "_worklist_row.html",
                                          {**context, "row": row})
    return templates.TemplateResponse(request, "worklist.html", context,
                                      status_code=_status(problem))


def _status(problem: Problem | None) -> int:
    if problem is None:
        return 200
    return {"validation-error": 422, "forbidden": 403}.get(problem.rule, 409)



ROUTERS = (router,)
