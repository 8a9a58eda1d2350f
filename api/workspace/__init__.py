"""The web workspace: server-rendered pages for people, on the API's own services and rules.

``install(app, settings)`` is all ``api.app.create_app`` calls: it sets up the session
cookies, the refusal pages, the error pages of /app (404, 405), the page routers
(``api/workspace/routers/``, under ``/app``) and ``/static``. How to add a page: see
``api/workspace/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.workspace import error_pages, refusals
from api.workspace.routers import ROUTERS
from api.workspace.sessions import SessionCookies
from infra.settings import Settings

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    app.state.workspace_sessions = SessionCookies(
        settings.session_secret.get_secret_value(),
        max_age_seconds=round(settings.session_hours * 3600),
        secure=settings.session_cookie_secure,
    )
    refusals.install(app)
    error_pages.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
