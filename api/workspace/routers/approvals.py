"""The approvals page: requests waiting for a second person, decided from the list.

The list is ``GET /approvals``'s read (`ReadModels.approvals`); a decision is the API's
own ``DecideWriteOff`` or ``DecideSettlement`` command, carried out as the API carries it
out (`carry_out`: the role check, then the ledger's four-eyes rule). The page hides the
buttons on the caller's own requests, and shows the ledger's refusal if one is posted
anyway.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.command_endpoint import carry_out
from api.deps import CorrelationDep, ReadModelsDep, ServiceDep
from api.problems import status_for
from api.workspace.deps import ApprovalsViewer, page_router
from api.workspace.refusals import PageRefused
from api.workspace.templating import templates
from ledger.aggregates.errors import LedgerError
from ledger.commands import collections as c
from ledger.projections.approvals import SETTLEMENT, WRITE_OFF

router = page_router()

DECIDING = {WRITE_OFF: (c.DecideWriteOff, "request_id"),
            SETTLEMENT: (c.DecideSettlement, "settlement_id")}


@router.get("/approvals")
def approvals(
    request: Request, caller: ApprovalsViewer, models: ReadModelsDep,
    decided: str | None = None,
) -> HTMLResponse:
    """Requests waiting for a decision, oldest first."""
    today = models.clock().date()
    return templates.TemplateResponse(request, "approvals.html", {
        "items": models.approvals(), "today": today, "me": caller.actor_id,
        "decided": decided,
    })


@router.post("/approvals/{kind}/{account}/{request_id}")
def decide(
    kind: Literal["write-off", "settlement"],
    account: str,
    request_id: str,
    caller: ApprovalsViewer,
    service: ServiceDep,
    models: ReadModelsDep,
    correlation_id: CorrelationDep,
    decision: Annotated[Literal["approve", "reject"], Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Approve or reject one request, then back to the list saying so."""
    command_type, id_field = DECIDING[kind]
    body = {id_field: request_id, "approve": decision == "approve", "reason": reason.strip()}
    try:
        accepted = carry_out(service, caller, command_type, account, body, Response(),
                             idempotency_key=None, if_match=None,
                             correlation_id=correlation_id)
    except LedgerError as error:
        raise PageRefused(status_for(error), error.rule(), error.message) from None
    except HTTPException as error:
        raise PageRefused(error.status_code, "forbidden", str(error.detail)) from None
    models.wait_for(accepted.position)
    verb = "approved" if decision == "approve" else "rejected"
    return RedirectResponse(f"/app/approvals?decided={request_id}+{verb}", status_code=303)


ROUTERS = (router,)
