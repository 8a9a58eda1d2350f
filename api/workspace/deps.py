"""Dependencies of the workspace's page routes: who is signed in, and may they open this.

A page route takes ``SignedInDep`` (any signed-in caller) or its page's alias
(``DashboardViewer``, ``WorklistViewer``, ``DisputesViewer``, ``ApprovalsViewer``,
``AuditViewer``, ``SearchViewer``, ``ReceiptsViewer``), which also checks the API's rule
for that page. A signed-out visitor is sent to sign in (303) and comes back; a caller the
rule refuses sees a 403 page. Every request re-checks that the session's key still exists
and is not revoked. The routers of ``page_router()`` check the CSRF token of every POST
before any route runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.keys import Caller, KeyStore
from api.workspace import csrf
from api.workspace.navigation import (
    APPROVALS,
    AUDIT,
    DASHBOARD,
    DISPUTES,
    RECEIPTS,
    SEARCH,
    WORKLIST,
    Page,
    may_open,
)
from api.workspace.refusals import PageRefused, SignInRequired
from api.workspace.sessions import SESSION_COOKIE, SIGN_IN_COOKIE, Session, SessionCookies


def sessions_of(request: Request) -> SessionCookies:
    cookies: SessionCookies = request.app.state.workspace_sessions
    return cookies


def current_session(request: Request) -> Session | None:
    """The request's session if its cookie is valid and its key is still active; sets
    ``request.state.caller`` and ``request.state.csrf_token`` for the templates."""
    session = sessions_of(request).read(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    keys: KeyStore = request.app.state.keys
    caller = keys.active(session.key_id)
    if caller is None or caller.role != session.role or caller.actor_id != session.actor_id:
        return None
    request.state.caller = caller
    request.state.csrf_token = session.csrf_token
    return session


def signed_in(request: Request) -> Caller:
    if current_session(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/app/")
    caller: Caller = request.state.caller
    return caller


def viewer_of(page: Page) -> Callable[[Request], Caller]:
    """A dependency: the signed-in caller, if the API's rule lets them open ``page``."""

    def viewer(request: Request) -> Caller:
        caller = signed_in(request)
        if not may_open(caller, page):
            raise PageRefused(403, "forbidden",
                              f"{caller.actor_id} ({caller.role}) may not open {page.name}")
        return caller

    return viewer


async def check_csrf(request: Request) -> None:
    """Refuses (403) a POST without the token of its session or of its sign-in cookie
    (the sign-in form's, which may be posted by someone already signed in)."""
    if request.method in csrf.SAFE_METHODS:
        return
    cookies = sessions_of(request)
    session = cookies.read(request.cookies.get(SESSION_COOKIE))
    expected = (session.csrf_token if session else None,
                cookies.sign_in_token(request.cookies.get(SIGN_IN_COOKIE)))
    supplied = await csrf.supplied_token(request)
    if not any(csrf.matches(token, supplied) for token in expected):
        raise PageRefused(403, csrf.RULE, csrf.EXPLANATION)


def page_router() -> APIRouter:
    """The router every workspace module makes its pages on: under /app, out of the
    OpenAPI contract, and CSRF-checked."""
    return APIRouter(prefix="/app", include_in_schema=False,
                     dependencies=[Depends(check_csrf)])


SignedInDep = Annotated[Caller, Depends(signed_in)]
DashboardViewer = Annotated[Caller, Depends(viewer_of(DASHBOARD))]
WorklistViewer = Annotated[Caller, Depends(viewer_of(WORKLIST))]
DisputesViewer = Annotated[Caller, Depends(viewer_of(DISPUTES))]
ApprovalsViewer = Annotated[Caller, Depends(viewer_of(APPROVALS))]
AuditViewer = Annotated[Caller, Depends(viewer_of(AUDIT))]
SearchViewer = Annotated[Caller, Depends(viewer_of(SEARCH))]
ReceiptsViewer = Annotated[Caller, Depends(viewer_of(RECEIPTS))]
