"""What a page does instead of answering: send a signed-out visitor to sign in, or show a
page naming the rule that refused the request (never the API's JSON problem)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.workspace.templating import templates


class SignInRequired(Exception):
    """No valid session: 303 to the sign-in page, which comes back to ``next`` after."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageRefused(Exception):
    """A request a rule forbids: rendered as ``refused.html`` with the rule's name."""

    def __init__(self, status: int, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.rule, self.detail = status, rule, detail


def sign_in_url(next_url: str | None = None) -> str:
    return "/app/sign-in" + (f"?next={quote(next_url, safe='/')}" if next_url else "")


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    def to_sign_in(_: Request, error: SignInRequired) -> Response:
        return RedirectResponse(sign_in_url(error.next_url), status_code=303)

    @app.exception_handler(PageRefused)
    def refused(request: Request, error: PageRefused) -> Response:
        return templates.TemplateResponse(
            request, "refused.html", {"rule": error.rule, "detail": error.detail},
            status_code=error.status,
        )
