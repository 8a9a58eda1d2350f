"""Where the workspace starts: ``/`` and ``/app/`` send each caller to their role's home."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from api.workspace.deps import SignedInDep, page_router
from api.workspace.navigation import home_of
from api.workspace.refusals import PageRefused

root = APIRouter(include_in_schema=False)
router = page_router()


@root.get("/")
def index() -> RedirectResponse:
    """The server's root is the workspace."""
    return RedirectResponse("/app/", status_code=303)


@router.get("/")
def home(caller: SignedInDep) -> RedirectResponse:
    """The signed-in caller's home page (signed out: the sign-in page)."""
    page = home_of(caller.role)
    if page is None:
        raise PageRefused(403, "no-workspace-for-role",
                          f"the {caller.role} role has no pages; it uses the API")
    return RedirectResponse(page.path, status_code=303)


ROUTERS = (root, router)
