"""The audit page: the last verification and the last checkpoint, verifying the ledger
now, exporting a regulatory trail, and the policies in force (as ``GET /policies``).

Each action is the API's own: verification is ``verify_ledger`` as ``GET /audit/verify``
runs it (kept as the last run, `api.workspace.verifications`), the checkpoint is the last
of ``GET /audit/checkpoints``, and the trail is the ZIP ``POST /audit/trails`` answers
(`api.trail_archive`), recorded on the ledger as an export by the signed-in caller. Who
may open the page is the API's rule for checkpoints; each action checks its own rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import CorrelationDep, ServiceDep
from api.keys import Caller
from api.permissions import check_read
from api.problems import status_for
from api.routers.verification import VERIFIERS
from api.schemas.trails import TrailRequest
from api.trail_archive import ZIP, check_exporter, trail_archive
from api.workspace.deps import AuditViewer, page_router
from api.workspace.refusals import PageRefused
from api.workspace.templating import templates
from api.workspace.verifications import last_verification
from ledger.aggregates.errors import LedgerError
from ledger.audit.checkpoint_store import stored_checkpoints
from ledger.audit.trail_query import TrailQuery
from ledger.policies_in_force import policies_in_force

router = page_router()
TrailField = Annotated[str, Form()]


def allowed(check: Any, caller: Caller, *rule: Any) -> bool:
    try:
        check(caller, *rule)
    except HTTPException:
        return False
    return True


def audit_page(request: Request, caller: Caller, service: ServiceDep, *,
               trail: dict[str, str] | None = None, trail_errors: list[str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    checkpoints = stored_checkpoints(service.app)
    last = checkpoints[-1].summary() if checkpoints else None
    return templates.TemplateResponse(request, "audit.html", {
        "run": last_verification(request.app).run,
        "checkpoint": last,
        "checkpoint_at": datetime.fromisoformat(last["recorded_at"]) if last else None,
        "recorded_by": checkpoints[-1].recorded_by if checkpoints else None,
        "may_verify": allowed(check_read, caller, VERIFIERS),
        "may_export": allowed(check_exporter, caller),
        "trail": trail or {}, "trail_errors": trail_errors or [],
        "policies": policies_in_force(service.policies, service.clock().date()),
    }, status_code=status_code)


@router.get("/audit")
def audit(request: Request, caller: AuditViewer, service: ServiceDep) -> HTMLResponse:
    """Audit: last verification and checkpoint, verify now, export a trail."""
    return audit_page(request, caller, service)


@router.post("/audit/verify")
def verify(request: Request, caller: AuditViewer, service: ServiceDep) -> RedirectResponse:
    """Verify every account's hash chain now; the page then shows the result."""
    if not allowed(check_read, caller, VERIFIERS):
        raise PageRefused(403, "forbidden", f"{caller.actor_id} ({caller.role}) may not verify "
                          "the ledger")
    last_verification(request.app).verify(service.app, caller, service.clock)
    return RedirectResponse("/app/audit#verification", status_code=303)


@router.post("/audit/trail", response_model=None)
def export(request: Request, caller: AuditViewer, service: ServiceDep,
           correlation: CorrelationDep, account: TrailField = "",
           start: Annotated[str, Form(alias="from")] = "",
           end: Annotated[str, Form(alias="to")] = "") -> Response:
    """The trail of one account or of a business-date period, downloaded as the API's ZIP;
    what the ledger refuses is shown on the page, in its words."""
    if not allowed(check_exporter, caller):
        raise PageRefused(403, "forbidden", f"{caller.actor_id} ({caller.role}) may not "
                          "export a regulatory trail")
    asked = {"account": account.strip(), "from": start.strip(), "to": end.strip()}
    try:
        body = TrailRequest.model_validate({k: v for k, v in asked.items() if v})
        query = TrailQuery(account=body.account, start=body.from_, end=body.to)
        archive = trail_archive(service, query, caller, correlation)
    except ValidationError as wrong:
        errors = [f"{e['loc'][0]}: {e['msg']}" for e in wrong.errors()]
        return audit_page(request, caller, service, trail=asked, trail_errors=errors,
                          status_code=422)
    except LedgerError as refused:
        return audit_page(request, caller, service, trail=asked,
                          trail_errors=[refused.message], status_code=status_for(refused))
    return Response(archive.content, media_type=ZIP, headers=archive.headers)


ROUTERS = (router,)
