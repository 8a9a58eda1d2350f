"""Stand-ins for the pages being built (issue 13), so the sign-in flow and the layout can be
tested end to end: each renders its name inside the layout. Whoever builds a page adds its
own router module and deletes its route here."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.workspace.deps import page_router
from api.workspace.navigation import Page
from api.workspace.templating import templates

router = page_router()


def placeholder(request: Request, page: Page, **extra: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "placeholder.html", {"page": page, **extra})


ROUTERS = (router,)
