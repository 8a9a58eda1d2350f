"""Stand-ins for the pages being built (issue 13), so the sign-in flow and the layout can be
tested end to end: each renders its name inside the layout. Whoever builds a page adds its
own router module and deletes its route here."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.workspace.deps import (
    AuditViewer,
    SearchViewer,
    WorklistViewer,
    page_router,
)
from api.workspace.navigation import AUDIT, SEARCH, WORKLIST, Page
from api.workspace.templating import templates

router = page_router()


def placeholder(request: Request, page: Page, **extra: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "placeholder.html", {"page": page, **extra})


@router.get("/worklist")
def worklist(request: Request, _: WorklistViewer) -> HTMLResponse:
    """Worklist (placeholder)."""
    return placeholder(request, WORKLIST)


@router.get("/audit")
def audit(request: Request, _: AuditViewer) -> HTMLResponse:
    """Audit (placeholder)."""
    return placeholder(request, AUDIT)


@router.get("/search")
def search(request: Request, _: SearchViewer, q: str = "") -> HTMLResponse:
    """Search (placeholder): says what was asked for."""
    return placeholder(request, SEARCH, query=q)


ROUTERS = (router,)
