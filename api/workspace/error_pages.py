"""A request under /app that matches no page (404) or no method of one (405) answers a page
in the layout, not the API's JSON problem: a person followed a link or typed an address.
Everywhere else the API's handler (``api.problems``) answers, unchanged."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.workspace.deps import current_session
from api.workspace.sessions import COOKIE_PATH
from api.workspace.templating import templates

TITLES = {404: "Page not found", 405: "Method not allowed"}


def in_workspace(path: str) -> bool:
    return path == COOKIE_PATH or path.startswith(COOKIE_PATH + "/")


def explained(request: Request, error: HTTPException) -> str:
    if error.status_code == 404:
        return f"There is no page at {request.url.path}."
    allowed = (error.headers or {}).get("Allow", "")
    return (f"{request.url.path} does not take {request.method}"
            + (f"; it takes {allowed}." if allowed else "."))


def install(app: FastAPI) -> None:
    """Wraps the HTTP error handler already installed (the API's problems)."""
    api_error = app.exception_handlers.get(HTTPException, http_exception_handler)

    @app.exception_handler(HTTPException)
    async def page_error(request: Request, error: HTTPException) -> Response:
        if not in_workspace(request.url.path) or error.status_code not in TITLES:
            answer = api_error(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        current_session(request)  # the layout's navigation, when signed in
        response = templates.TemplateResponse(
            request, "error.html", {"title": TITLES[error.status_code],
                                    "detail": explained(request, error)},
            status_code=error.status_code)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response
