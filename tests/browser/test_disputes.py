"""Disputes and notices in a real browser: a manager opens a dispute with a reason code
from the account page, reads the notices the demo's dunning sent in that account's
timeline, finds the dispute on the disputes page (filtered by its reason), changes its
owner and reads the change in its history; accessibility on each state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

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
def noticed(workspace: Workspace) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A demo account that was sent a notice and has an invoice with an undisputed part:
    (number, that invoice, its newest notice's payload)."""
    with api(workspace, "manager") as client:
        for listed in client.get("/accounts").json()["items"]:
            number = listed["number"]
            invoices = [i for i in client.get(f"/accounts/{number}").json()["invoices"]
                        if Decimal(i["outstanding"]) - Decimal(i["disputed"]) >= 1]
            history = client.get(f"/accounts/{number}/history", params={"limit": 1000}).json()
            notices = [e["payload"] for e in history["items"] if e["type"] == "NoticeSent"]
            if invoices and notices:
                return number, invoices[0], notices[-1]
    raise AssertionError("the demo should have a noticed account with an open invoice")


def test_a_manager_opens_a_dispute_then_changes_its_owner_on_the_disputes_page(
    page: Page, sign_in: SignIn, noticed: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    number, invoice, notice = noticed
    owner, new_owner = f"claims-{uuid4().hex[:6]}", f"logistics-{uuid4().hex[:6]}"
    sign_in(page, "manager")
    page.goto(f"/app/accounts/{number}")

    notice_row = page.locator("#timeline tbody tr").filter(has_text=notice["notice_id"]).filter(
        has_text="Notice sent").first
    expect(notice_row).to_contain_text(f"level: {notice['level']}")
    expect(notice_row).to_contain_text(f"channel: {notice['channel']}")
    for listed in notice["invoices"]:
        expect(notice_row.get_by_role("list", name="Invoices in the notice")).to_contain_text(
            listed["invoice_id"])

    page.get_by_text("Open a dispute").click()
    page.get_by_label("Invoice", exact=True).select_option(invoice["invoice_id"])
    page.get_by_label("Amount", exact=True).fill("1.00")
    page.get_by_label("Reason code").select_option("pricing")
    page.get_by_label("The debtor’s words").fill("the price list said less")
    page.get_by_label("Owner (person or team, optional)").fill(owner)
    check_accessibility(page)
    page.get_by_role("button", name="Open dispute").click()

    page.wait_for_url(f"**/app/accounts/{number}#disputes")
    expect(page.locator("#timeline tbody tr").first).to_contain_text("Dispute opened")
    expect(page.locator("#timeline tbody tr").first).to_contain_text(owner)

    page.get_by_role("link", name="This account’s disputes").click()
    page.get_by_label("Reason", exact=True).select_option("pricing")
    page.get_by_label("Owner", exact=True).select_option(owner)
    page.get_by_role("button", name="Show disputes").click()
    page.wait_for_url("**reason=pricing**")

    row = page.locator("tbody.dispute")
    expect(row).to_have_count(1)
    expect(row.locator("td.reason")).to_have_text("pricing")
    expect(row.locator("td.owner")).to_have_text(owner)
    expect(row).to_contain_text(invoice["invoice_id"])
    expect(row.locator("td.amount")).to_contain_text("1.00")
    check_accessibility(page)

    row.get_by_label("Owner of", exact=False).fill(new_owner)
    row.locator("form.change").filter(has_text="Change owner").get_by_label("Why").fill(
        "a carrier claim now")
    row.get_by_role("button", name="Change owner").click()

    expect(page.get_by_role("status")).to_contain_text("Owner changed on")
    expect(page.get_by_label("Account", exact=True)).to_have_value(number)  # filters kept
    expect(page.get_by_label("Status")).to_have_value("all")
    page.get_by_label("Owner", exact=True).select_option(new_owner)
    page.get_by_role("button", name="Show disputes").click()
    row = page.locator("tbody.dispute")
    expect(row.locator("td.owner")).to_have_text(new_owner)
    row.get_by_text("History of").click()
    expect(row.locator(".history li").last).to_contain_text(
        f"owner changed from {owner} to {new_owner} by manager-1")
    expect(row.locator(".history li").last).to_contain_text("a carrier claim now")
    check_accessibility(page)
    screenshot(page, "disputes")
