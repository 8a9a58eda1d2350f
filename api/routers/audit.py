"""The audit trail: every event of every account, in the order the ledger logged them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import CallerDep, ReadModelsDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.history_pages import HISTORY_COLUMNS, log_page, log_records
from api.permissions import READERS_OF_PORTFOLIO, check_read
from api.read_params import AfterPosition, Fresh, Limit, link_next
from api.schemas.accounts import AuditPage

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})


@router.get("/events", response_model=AuditPage, operation_id="ListAuditEvents",
            responses=EXPORTABLE)
def list_events(
    request: Request,
    response: Response,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    after_position: AfterPosition = 0,
    limit: Limit = 100,
) -> Any:
    """Events of all accounts by log position, with envelope and hash (exports: all of it)."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if fmt != "json":
        return streamed(fmt, HISTORY_COLUMNS, log_records(models, after_position),
                        f"audit-after-{after_position}")
    page = log_page(models, after_position, limit)
    if page.next_cursor is not None:
        link_next(request, response, after_position=page.next_cursor, limit=limit)
    return AuditPage.model_validate({"items": page.records, "next_cursor": page.next_cursor})


ROUTERS = [router]
