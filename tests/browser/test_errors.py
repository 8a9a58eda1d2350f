"""A wrong address under /app, in a real browser: a page in the layout saying so (not the
API's JSON), with the navigation when signed in and a way back; accessible."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn
from tests.browser.screenshots import screenshot


def test_an_unknown_page_says_so_in_the_layout_and_leads_back(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "manager")

    response = page.goto("/app/no-such-page")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_text("There is no page at /app/no-such-page.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dashboard")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "not-found")

    page.get_by_role("link", name="Back to the workspace").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_a_signed_out_visitor_gets_the_page_too(page: Page) -> None:
    response = page.goto("/app/accounts/ACC-00003/nowhere")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    check_accessibility(page)


def test_a_method_a_page_does_not_take_answers_a_page(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")

    response = page.request.delete("/app/dashboard")

    assert response.status == 405
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["allow"] == "GET"
    page.set_content(response.text())
    expect(page.get_by_role("heading", level=1, name="Method not allowed")).to_be_visible()
    expect(page.get_by_text("/app/dashboard does not take DELETE; it takes GET.")
           ).to_be_visible()
