"""Signing in with an API key, and out.

The key is checked by the API's own ``authenticate`` (the same key store and the same
throttle on wrong keys per address), then traded for a session cookie
(``api.workspace.sessions``); the key is not kept. Roles with no pages (service, admin)
are told to use the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import authenticate
from api.workspace.deps import current_session, page_router, sessions_of
from api.workspace.navigation import after_sign_in, home_of
from api.workspace.sessions import SESSION_COOKIE, SIGN_IN_COOKIE, SIGN_IN_SECONDS
from api.workspace.templating import templates

router = page_router()


def sign_in_form(request: Request, next_url: str | None, error: str | None = None,
                 status_code: int = 200) -> HTMLResponse:
    """The form, with a fresh sign-in cookie whose token the form carries."""
    cookies = sessions_of(request)
    token, value = cookies.new_sign_in()
    request.state.csrf_token = token
    response = templates.TemplateResponse(
        request, "sign_in.html", {"next": next_url or "", "error": error},
        status_code=status_code)
    response.set_cookie(SIGN_IN_COOKIE, value, **cookies.cookie_options(SIGN_IN_SECONDS))
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    return sign_in_form(request, next)


@router.post("/sign-in")
def sign_in(
    request: Request, api_key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Trades a valid key for a session cookie and goes on to ``next`` or the role's home."""
    try:
        caller = authenticate(request, api_key.strip() or None)
    except HTTPException as refusal:
        message = ("That API key is not valid (or has been revoked)."
                   if refusal.status_code == 401 else f"Too many wrong keys: {refusal.detail}.")
        return sign_in_form(request, next, message, refusal.status_code)
    if home_of(caller.role) is None:
        return sign_in_form(request, next, f"The {caller.role} role has no pages in the "
                            "workspace: use this key with the API.", 403)
    cookies = sessions_of(request)
    _, value = cookies.issue(caller)
    response = RedirectResponse(after_sign_in(caller.role, next), status_code=303)
    response.set_cookie(SESSION_COOKIE, value, **cookies.cookie_options(cookies.max_age_seconds))
    response.delete_cookie(SIGN_IN_COOKIE, path="/app")
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> RedirectResponse:
    """Ends the session (a kept copy of its cookie is refused too) and clears the cookie."""
    session = current_session(request)
    if session is not None:
        sessions_of(request).end(session)
    response = RedirectResponse("/app/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/app")
    return response


ROUTERS = (router,)
