"""Signing in to the workspace with an API key, in a real browser: where each role lands
and what it may see, the session cookie, CSRF, sign-out, accessibility and the keyboard."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn, Workspace
from tests.browser.screenshots import screenshot

SESSION_COOKIE = "colledger_session"
EIGHT_HOURS = 8 * 3600

HOMES_AND_NAV = {
    "agent": ("/app/worklist", ["Worklist", "Disputes"]),
    "manager": ("/app/dashboard", ["Dashboard", "Worklist", "Disputes", "Approvals",
                                   "Receipts"]),
    "auditor": ("/app/dashboard", ["Dashboard", "Worklist", "Disputes", "Receipts", "Audit"]),
    "compliance": ("/app/audit", ["Dashboard", "Worklist", "Disputes", "Audit"]),
    "cashier": ("/app/receipts", ["Receipts"]),
}
"""Each role's home and navigation, as the API's permissions give them."""


def nav_names(page: Page) -> list[str]:
    return page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()


def session_cookie(page: Page) -> Any:
    return next((c for c in page.context.cookies() if c["name"] == SESSION_COOKIE), None)


def path_of(page: Page) -> str:
    """The page's path and query: where it is in the workspace."""
    url = urlsplit(page.url)
    return url.path + (f"?{url.query}" if url.query else "")


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_to_the_page_asked_for(
    page: Page, workspace: Workspace
) -> None:
    page.goto("/app/dashboard")

    assert path_of(page) == "/app/sign-in?next=/app/dashboard"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "sign-in")

    page.get_by_label("API key").fill(workspace.keys["manager"])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert path_of(page) == "/app/dashboard"


@pytest.mark.parametrize("role", sorted(HOMES_AND_NAV))
def test_each_role_lands_on_its_home_and_sees_only_its_pages(
    page: Page, sign_in: SignIn, role: str
) -> None:
    home, nav = HOMES_AND_NAV[role]

    sign_in(page, role)

    assert path_of(page) == home
    assert nav_names(page) == nav
    expect(page.get_by_role("link", name=nav[0]).first).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"home-{role}")


@pytest.mark.parametrize("role", sorted(HOMES_AND_NAV))
def test_every_page_in_a_roles_nav_opens_and_passes_axe(
    page: Page, sign_in: SignIn, role: str
) -> None:
    sign_in(page, role)

    for name in HOMES_AND_NAV[role][1]:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
        expect(link).to_have_attribute("aria-current", "page")
        check_accessibility(page)


def test_a_page_outside_the_roles_nav_is_refused_with_the_rule(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "agent")

    response = page.goto("/app/dashboard")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("may not open Dashboard")
    check_accessibility(page)


def test_a_wrong_key_shows_an_error_and_sets_no_cookie(page: Page) -> None:
    page.goto("/app/sign-in")
    page.get_by_label("API key").fill("clk_00000000_not-a-key")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("not valid")
    assert session_cookie(page) is None
    assert path_of(page) == "/app/sign-in"
    check_accessibility(page)
    screenshot(page, "sign-in-wrong-key")


def test_the_session_cookie_is_httponly_samesite_lax_and_expires(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")

    cookie = session_cookie(page)

    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert 0 < cookie["expires"] - time.time() <= EIGHT_HOURS + 60
    assert page.evaluate("document.cookie") == ""


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")

    refused = page.request.post("/app/sign-out", form={"next": "/app/"}, max_redirects=0)

    assert refused.status == 403
    assert "csrf-token-required" in refused.text()
    page.goto("/app/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_signing_out_ends_the_session_even_for_a_kept_copy_of_the_cookie(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "compliance")
    kept = session_cookie(page)

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert session_cookie(page) is None
    page.context.add_cookies([kept])
    page.goto("/app/audit")
    assert path_of(page) == "/app/sign-in?next=/app/audit"


def test_tab_reaches_the_skip_link_then_search_and_sign_out(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "manager")
    page.goto("/app/dashboard")

    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.id || e.getAttribute('aria-label') || e.textContent.trim(); })()"))

    assert reached[0] == "Skip to content"
    assert "site-search" in reached
    assert "Sign out" in reached
    page.goto("/app/dashboard")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
