"""The workspace's session cookie and CSRF rule, without a browser (FastAPI's TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.keys import Caller
from api.workspace import formatting
from api.workspace.deps import check_csrf
from api.workspace.routers import ROUTERS as WORKSPACE_ROUTERS
from api.workspace.sessions import SESSION_COOKIE, SessionCookies
from tests.builders import make_ledger

HOUR = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client() -> Iterator[TestClient]:
    ledger, _ = make_ledger()
    app = create_app(ledger, follow=False)
    app.state.test_keys = {role: app.state.keys.create(role, f"{role}-1")
                           for role in ("manager", "agent", "service")}
    yield TestClient(app, base_url="http://127.0.0.1")


def token_in(response: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, response.text
    return found.group(1)


def signed_in(client: TestClient, role: str = "manager") -> str:
    """Signs in; the session's CSRF token."""
    key = client.app.state.test_keys[role][1]  # type: ignore[attr-defined]
    form = client.get("/app/sign-in")
    client.post("/app/sign-in", data={"api_key": key, "csrf_token": token_in(form)})
    return token_in(client.get("/app/search"))


def test_a_cookie_reads_back_as_its_session_and_holds_no_key() -> None:
    cookies = SessionCookies("secret", max_age_seconds=8 * 3600)
    session, value = cookies.issue(Caller("k1", "manager-1", "manager"))

    assert cookies.read(value) == session
    assert "clk_" not in value


def test_a_tampered_or_foreign_cookie_is_no_session() -> None:
    cookies = SessionCookies("secret", max_age_seconds=8 * 3600)
    _, value = cookies.issue(Caller("k1", "manager-1", "manager"))

    assert cookies.read(value[:-2] + "xx") is None
    assert SessionCookies("another secret", max_age_seconds=8 * 3600).read(value) is None


def test_a_session_expires_after_its_hours() -> None:
    clock = Clock()
    cookies = SessionCookies("secret", max_age_seconds=8 * 3600, clock=clock)
    _, value = cookies.issue(Caller("k1", "manager-1", "manager"))

    clock.now += 8 * HOUR - 1
    assert cookies.read(value) is not None
    clock.now += 2
    assert cookies.read(value) is None


def test_an_ended_session_is_refused_but_others_are_not() -> None:
    cookies = SessionCookies("secret", max_age_seconds=8 * 3600)
    ended, ended_value = cookies.issue(Caller("k1", "manager-1", "manager"))
    _, other_value = cookies.issue(Caller("k1", "manager-1", "manager"))

    cookies.end(ended)

    assert cookies.read(ended_value) is None
    assert cookies.read(other_value) is not None


def test_signing_in_sets_an_httponly_lax_expiring_cookie(client: TestClient) -> None:
    key = client.app.state.test_keys["manager"][1]  # type: ignore[attr-defined]
    form = client.get("/app/sign-in")

    response = client.post("/app/sign-in", data={"api_key": key, "csrf_token": token_in(form)},
                           follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/app/dashboard"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert key not in cookie


def test_sign_in_without_the_forms_token_is_refused(client: TestClient) -> None:
    key = client.app.state.test_keys["manager"][1]  # type: ignore[attr-defined]
    client.get("/app/sign-in")

    response = client.post("/app/sign-in", data={"api_key": key})

    assert response.status_code == 403 and "csrf-token-required" in response.text


def test_a_post_with_a_wrong_token_is_refused_and_the_right_header_is_accepted(
    client: TestClient,
) -> None:
    token = signed_in(client)

    assert client.post("/app/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/app/sign-out", headers={"X-CSRF-Token": token},
                       follow_redirects=False).status_code == 303


def test_a_revoked_key_ends_its_sessions(client: TestClient) -> None:
    signed_in(client)
    assert client.get("/app/dashboard", follow_redirects=False).status_code == 200

    client.app.state.keys.revoke(client.app.state.test_keys["manager"][0])  # type: ignore[attr-defined]

    response = client.get("/app/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/sign-in?next=/app/dashboard"


def test_a_role_without_pages_is_told_to_use_the_api(client: TestClient) -> None:
    key = client.app.state.test_keys["service"][1]  # type: ignore[attr-defined]
    form = client.get("/app/sign-in")

    response = client.post("/app/sign-in", data={"api_key": key, "csrf_token": token_in(form)})

    assert response.status_code == 403 and "use this key with the API" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_sign_in_goes_back_only_to_a_workspace_page(client: TestClient) -> None:
    key = client.app.state.test_keys["agent"][1]  # type: ignore[attr-defined]
    form = client.get("/app/sign-in")

    response = client.post("/app/sign-in", follow_redirects=False, data={
        "api_key": key, "csrf_token": token_in(form), "next": "//evil.example/app/"})

    assert response.headers["location"] == "/app/worklist"


def test_every_post_of_the_workspace_checks_the_csrf_token() -> None:
    posts = [(router, route) for router in WORKSPACE_ROUTERS for route in router.routes
             if isinstance(route, APIRoute) and "POST" in route.methods]

    assert posts
    for router, route in posts:
        assert route.path.startswith("/app/")
        assert check_csrf in [d.dependency for d in router.dependencies], route.path


def test_the_readers_locale_formats_money_and_utc_times() -> None:
    german = formatting.negotiate("de-CH;q=0.9, de;q=0.8, en;q=0.1")
    moment = datetime(2026, 2, 10, 14, 5, 9, tzinfo=UTC)

    assert str(german) == "de_DE"
    assert formatting.money(Decimal("1234.5"), "EUR", german) == "1.234,50\xa0€"
    assert formatting.money("1000", "JPY", formatting.negotiate(None)) == "¥1,000"
    assert formatting.day(date(2026, 2, 10), german) == "10.02.2026"
    assert formatting.moment(moment, formatting.negotiate("en-GB")).endswith("14:05:09 +00:00")
    assert formatting.negotiate("ja, *") == formatting.DEFAULT_LOCALE
    # Weights are read as decimals; one that is no number is left out, not an error.
    assert str(formatting.negotiate("fr;q=nan, de;q=0.5, en;q=0.25")).startswith("de")
    assert str(formatting.negotiate("fr;q=x, de;q=0.5")).startswith("de")
