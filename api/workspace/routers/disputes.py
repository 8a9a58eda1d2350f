"""The disputes page: open and recently resolved disputes with their reason code and owner,
filtered and a page at a time, each with its history and the forms to change its reason or
owner; the root-cause report per reason for a period; and opening a dispute from the
account page.

Reads are plain SQL over the read models (`disputes_query`) and the report is
``GET /reports/disputes``'s own query (`ReadModels.dispute_report`). Who sees what is the
API's rule: an agent sees the disputes on their own accounts only, and the report only
the portfolio's readers. Every change is the API's own command (``ChangeDisputeReason``,
``AssignDisputeOwner``, ``OpenDispute``) through its command path (`carry_out`), then back
to where the form was (303); a refusal is the page naming the API's rule.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode
from uuid import uuid4

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse

from api.command_endpoint import carry_out
from api.deps import CorrelationDep, ReadModelsDep, ServiceDep
from api.keys import Caller
from api.permissions import AGENT, MAY_WRITE, READERS_OF_PORTFOLIO
from api.problems import status_for
from api.workspace.deps import DisputesViewer, SignedInDep, page_router
from api.workspace.disputes_query import (
    DisputesQuery,
    dispute_histories,
    dispute_owners,
    dispute_page,
    parse,
    report_period,
)
from api.workspace.refusals import PageRefused
from api.workspace.row_actions import invalid_fields
from api.workspace.templating import templates
from ledger.aggregates.errors import LedgerError
from ledger.commands import collections as c
from ledger.commands.base import Command
from ledger.projections.read_models import ReadModels
from ledger.projections.worklist_rows import agent_ids
from ledger.service import LedgerService

router = page_router()
CHANGES: dict[str, tuple[type[Command], tuple[str, ...]]] = {
    "reason": (c.ChangeDisputeReason, ("reason_code", "reason")),
    "owner": (c.AssignDisputeOwner, ("owner", "reason")),
}
DONE = {"reason": "Reason code changed", "owner": "Owner changed"}


def shown_query(caller: Caller, query: DisputesQuery) -> DisputesQuery:
    """An agent sees their own accounts' disputes, whatever the form says."""
    return query.model_copy(update={"agent": caller.actor_id}) if caller.role == AGENT \
        else query


def page_context(caller: Caller, service: LedgerService, models: ReadModels,
                 query: DisputesQuery, errors: list[str]) -> dict[str, Any]:
    today = models.clock().date()
    excluding = models.excluded("open_items", "history")
    open_items, history = models.narrowed(excluding, "open_items", "history")
    page = models.read(lambda s: dispute_page(s, open_items, query, today))
    start, end, period_errors = report_period(query, today)
    may_report = caller.role in READERS_OF_PORTFOLIO
    return {
        "filters": query, "errors": errors + period_errors, "today": today, "page": page,
        "histories": models.read(lambda s: dispute_histories(s, history, page.rows)),
        "owners": models.read(lambda s: dispute_owners(s, open_items)),
        "agents": [] if caller.role == AGENT else models.read(
            lambda s: agent_ids(s, models.tables("open_items"))),
        "reasons": service.policies.dispute_reasons, "note": excluding.note,
        "may_change_reason": caller.role in MAY_WRITE[c.ChangeDisputeReason],
        "may_assign_owner": caller.role in MAY_WRITE[c.AssignDisputeOwner],
        "report": models.dispute_report(start, end) if may_report else None,
        "period": (start, end), "link": lambda **kw: urlencode(query.params(**kw)),
    }


@router.get("/disputes")
def disputes(request: Request, caller: DisputesViewer, service: ServiceDep,
             models: ReadModelsDep, done: str | None = None, dispute: str | None = None
             ) -> HTMLResponse:
    """Disputes as filtered, a page at a time, and the root-cause report."""
    query, errors = parse(request.query_params)
    context = page_context(caller, service, models, shown_query(caller, query), errors)
    context["flash"] = f"{DONE[done]} on {dispute}." if done in DONE and dispute else None
    return templates.TemplateResponse(request, "disputes.html", context)


@router.post("/disputes/{account}/{dispute_id}/{change}")
async def change(request: Request, account: str, dispute_id: str, change: str,
                 caller: DisputesViewer, service: ServiceDep, models: ReadModelsDep,
                 correlation_id: CorrelationDep) -> RedirectResponse:
    """Change a dispute's reason code or owner, then back to the same page of the list
    (its filters come as one field, ``back``: theirs would clash with the form's own
    ``reason`` and ``owner``)."""
    if change not in CHANGES:
        raise PageRefused(404, "not-found", f"a dispute has no {change!r} to change")
    form = {k: str(v) for k, v in (await request.form()).items()}
    command, fields = CHANGES[change]
    body = {"dispute_id": dispute_id} | {name: form.get(name, "").strip() for name in fields}
    carried_out(service, models, caller, command, account, body, correlation_id)
    query, _ = parse(dict(parse_qsl(form.get("back", ""))))
    back = urlencode(query.params() | {"done": change, "dispute": dispute_id})
    return RedirectResponse(f"/app/disputes?{back}#dispute-{account}-{dispute_id}",
                            status_code=303)


@router.post("/accounts/{number}/disputes")
async def open_dispute(request: Request, number: str, caller: SignedInDep,
                       service: ServiceDep, models: ReadModelsDep,
                       correlation_id: CorrelationDep) -> RedirectResponse:
    """Open a dispute from the account page (``POST /accounts/{account}/disputes``)."""
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    body = {"dispute_id": f"DS-{uuid4().hex[:16]}",
            **{name: form.get(name, "") for name in ("invoice_id", "amount", "reason",
                                                     "reason_code")}}
    if form.get("owner"):
        body["owner"] = form["owner"]
    carried_out(service, models, caller, c.OpenDispute, number, body, correlation_id)
    return RedirectResponse(f"/app/accounts/{number}#disputes", status_code=303)


def carried_out(service: LedgerService, models: ReadModels, caller: Caller,
                command: type[Command], account: str, body: dict[str, Any],
                correlation_id: str) -> None:
    """The API's command path; the read models caught up with it, or the refusal page."""
    try:
        accepted = carry_out(service, caller, command, account, body, Response(),
                             idempotency_key=None, if_match=None,
                             correlation_id=correlation_id)
    except LedgerError as error:
        raise PageRefused(status_for(error), error.rule(), error.message) from None
    except RequestValidationError as error:
        raise PageRefused(422, "validation-error", invalid_fields(error)) from None
    except HTTPException as error:
        raise PageRefused(error.status_code, "forbidden", str(error.detail)) from None
    models.wait_for(accepted.position)


ROUTERS = (router,)
