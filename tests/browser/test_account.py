"""The account page in a real browser: balances, aging, invoices and the timeline of a
demo account; the as-of control re-draws it as the API's account view has it on that
date; verifying its chain now; the statement's CSV as the API gives it; keyboard and
accessibility on each state."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn, Workspace
from tests.browser.screenshots import screenshot


def api(workspace: Workspace, caller: str) -> httpx.Client:
    return httpx.Client(base_url=workspace.base_url, timeout=10,
                        headers={"X-API-Key": workspace.keys[caller]})


@pytest.fixture
def account(workspace: Workspace) -> dict[str, Any]:
    """A demo account with open invoices, as the API shows it today."""
    with api(workspace, "auditor") as client:
        for listed in client.get("/accounts").json()["items"]:
            view = client.get(f"/accounts/{listed['number']}").json()
            if view["invoices"]:
                return dict(view)
    raise AssertionError("the demo should have an account with open invoices")


def balances(page: Page) -> list[str]:
    return page.locator("#balances td.balance").all_inner_texts()


def as_shown(amount: str) -> Decimal:
    return Decimal(amount.replace("$", "").replace(",", "").replace("€", "").replace("£", "")
                   .replace("\u00a0", "").strip())


def test_an_auditor_reads_an_account_with_its_aging_invoices_and_timeline(
    page: Page, sign_in: SignIn, account: dict[str, Any], workspace: Workspace
) -> None:
    number = account["account"]
    sign_in(page, "auditor")
    page.goto(f"/app/accounts/{number}")

    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator("#balances tbody tr")).to_have_count(len(account["totals"]))
    expect(page.locator("#aging tbody tr").first).to_be_visible()
    for invoice in account["invoices"]:
        expect(page.locator("#invoices")).to_contain_text(invoice["invoice_id"])
    with api(workspace, "auditor") as client:
        history = client.get(f"/accounts/{number}/history", params={"limit": 1000}).json()
    expect(page.locator("#timeline tbody tr")).to_have_count(len(history["items"]))
    newest = history["items"][-1]
    first_row = page.locator("#timeline tbody tr").first
    expect(first_row.locator(f"code[title='{newest['hash']}']")).to_be_visible()
    expect(first_row).to_contain_text(newest["actor_id"])
    expect(page.get_by_text("Not verified yet")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "account")


def test_moving_the_as_of_date_back_shows_the_balance_of_that_day(
    page: Page, sign_in: SignIn, account: dict[str, Any], workspace: Workspace
) -> None:
    number = account["account"]
    earlier = date.fromisoformat(account["as_of"]) - timedelta(days=20)
    sign_in(page, "auditor")
    page.goto(f"/app/accounts/{number}")

    page.get_by_label("As of").fill(earlier.isoformat())
    page.get_by_role("button", name="Show").click()

    page.wait_for_url(f"**as_of={earlier.isoformat()}**")
    with api(workspace, "auditor") as client:
        then = client.get(f"/accounts/{number}", params={"as_of": earlier.isoformat()}).json()
    assert [as_shown(b) for b in balances(page)] == [
        Decimal(t["balance"]) for t in then["totals"].values()]
    check_accessibility(page)

    slider = page.get_by_label("Days since the account opened", exact=False)
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_url("**as_of=**")
    expect(page.get_by_label("As of")).to_have_value(
        page.get_by_label("As of").get_attribute("min") or "")


def test_verifying_the_chain_now_shows_it_passes(
    page: Page, sign_in: SignIn, account: dict[str, Any]
) -> None:
    sign_in(page, "auditor")
    page.goto(f"/app/accounts/{account['account']}")

    page.get_by_role("button", name="Verify chain now").click()

    expect(page.get_by_role("status")).to_contain_text("Verified")
    expect(page.get_by_role("status")).to_contain_text("events checked")
    check_accessibility(page)


def test_the_statement_downloads_as_the_apis_csv(
    page: Page, sign_in: SignIn, account: dict[str, Any], workspace: Workspace, tmp_path: Path
) -> None:
    number = account["account"]
    sign_in(page, "auditor")
    page.goto(f"/app/accounts/{number}")
    start = page.get_by_label("From").input_value()
    end = page.get_by_label("To").input_value()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download statement (CSV)").click()

    saved = tmp_path / "statement.csv"
    download.value.save_as(saved)
    with api(workspace, "auditor") as client:
        expected = client.get(f"/accounts/{number}/statement",
                              params={"from": start, "to": end, "format": "csv"})
    assert expected.status_code == 200, expected.text
    assert saved.read_bytes() == expected.content
    assert download.value.suggested_filename == f"{number}-statement-{start}-{end}.csv"


def test_the_account_pages_buttons_are_reachable_by_tab(
    page: Page, sign_in: SignIn, account: dict[str, Any]
) -> None:
    sign_in(page, "auditor")
    page.goto(f"/app/accounts/{account['account']}")

    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.id || e.textContent.trim(); })()"))

    for control in ("Verify chain now", "as-of", "as-of-slider", "known-at", "Show",
                    "statement-start", "Download statement (CSV)"):
        assert control in reached, reached


def test_an_agent_is_refused_an_account_assigned_to_another_agent(
    page: Page, sign_in: SignIn, workspace: Workspace
) -> None:
    with api(workspace, "manager") as client:
        theirs = next(a["number"] for a in client.get("/accounts").json()["items"]
                      if a["agent"] != "agent-1")
    sign_in(page, "agent")

    response = page.goto(f"/app/accounts/{theirs}")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("not assigned to them")
