"""The receipts page in a real browser: a cashier signs in, lands on the unidentified
queue, matches a receipt the rules could not place to an account, and it leaves the
queue; the dashboard then counts it as matched by a person. Axe passes on each state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn, Workspace
from tests.browser.screenshots import screenshot

HEADER = "date,amount,currency,counterparty,iban,remittance,reference\n"


def api(workspace: Workspace, caller: str) -> httpx.Client:
    return httpx.Client(base_url=workspace.base_url, timeout=30,
                        headers={"X-API-Key": workspace.keys[caller]})


def an_account(workspace: Workspace) -> tuple[str, str]:
    """The demo's first account: (its number, its currency)."""
    with api(workspace, "manager") as client:
        number = client.get("/accounts").json()["items"][0]["number"]
        account: dict[str, Any] = client.get(f"/accounts/{number}").json()
    return str(number), str(account["currency"])


def an_unidentified_receipt(workspace: Workspace, currency: str) -> tuple[str, str]:
    """A receipt no rule can place (an unknown payer naming nothing, an odd amount), by
    the cashier's import through the API: (its id, its bank reference)."""
    reference = f"BRW-{uuid4().hex[:10].upper()}"
    line = f"2026-06-29,13.57,{currency},Zyxwvut Qqq,,no reference given,{reference}\n"
    with api(workspace, "cashier") as client:
        imported = client.post("/bank-statements?format=csv", content=(HEADER + line).encode(),
                               headers={"Content-Type": "text/csv"})
        assert imported.status_code in (200, 201), imported.text
        queue = client.get("/receipts", params={
            "status": "unidentified", "limit": 500,
            "wait_for": imported.headers["X-Ledger-Position"]})
    [found] = [r for r in queue.json()["items"] if r["bank_reference"] == reference]
    return found["receipt_id"], reference


def test_a_cashier_matches_an_unidentified_receipt_and_it_leaves_the_queue(
    page: Page, workspace: Workspace, sign_in: SignIn,
) -> None:
    number, currency = an_account(workspace)
    receipt_id, reference = an_unidentified_receipt(workspace, currency)

    sign_in(page, "cashier")
    expect(page).to_have_url(f"{workspace.base_url}/app/receipts")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Receipts"])
    row = page.locator(f"#receipt-{receipt_id}")
    expect(row).to_contain_text("Zyxwvut Qqq")
    expect(row).to_contain_text("no reference given")
    expect(row).to_contain_text("invoice reference")  # why that rule did not match
    check_accessibility(page)

    match = row.locator("form.match")
    if not match.is_visible():
        row.get_by_text(f"Match {reference} to accounts").click()
    split = match.get_by_role("group", name="Split 1")
    split.get_by_label("Account").fill(number)
    expect(split.get_by_label(f"Amount ({currency})")).to_have_value("13.57")
    match.get_by_label("Why (required)").fill("the customer phoned about it")
    screenshot(page, "receipts-queue")
    match.get_by_role("button", name="Match").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Receipt {reference} matched: paid to {number}.")
    expect(page.locator(f"#receipt-{receipt_id}")).to_have_count(0)
    check_accessibility(page)
    with api(workspace, "cashier") as client:
        receipt = client.get(f"/receipts/{receipt_id}").json()
    assert (receipt["status"], receipt["rule"], receipt["decided_by"]) == \
        ("matched", "manual", "cashier-1")
    assert [(s["account"], Decimal(s["amount"])) for s in receipt["splits"]] == \
        [(number, Decimal("13.57"))]

    page.get_by_label("Status").select_option("matched")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f"#receipt-{receipt_id}")).to_contain_text("the customer phoned")


def test_the_dashboard_shows_cash_application(page: Page, workspace: Workspace,
                                              sign_in: SignIn) -> None:
    _, currency = an_account(workspace)
    an_unidentified_receipt(workspace, currency)
    sign_in(page, "manager")
    page.goto("/app/dashboard")
    section = page.locator("#cash-application")
    expect(section.get_by_role("heading", name="Cash application")).to_be_visible()
    expect(section.locator(f'#unidentified tr[data-currency="{currency}"]')
           ).to_be_visible()
    expect(section.get_by_role("link", name="Work the unidentified queue")).to_have_attribute(
        "href", "/app/receipts")
    check_accessibility(page)
