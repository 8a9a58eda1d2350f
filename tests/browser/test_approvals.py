"""The approvals page in a real browser: a manager approves a write-off another manager
asked for, cannot approve their own (no buttons; the ledger refuses one posted anyway),
and rejects one; accessibility and the keyboard on each state."""

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

THRESHOLD = Decimal("1000")
"""The demo server's four-eyes threshold (the default; no currency has its own)."""


def api(workspace: Workspace, caller: str) -> httpx.Client:
    return httpx.Client(base_url=workspace.base_url, timeout=10,
                        headers={"X-API-Key": workspace.keys[caller]})


def open_invoices(workspace: Workspace) -> list[tuple[str, dict[str, Any]]]:
    """(account, invoice) for every open invoice of the demo, largest outstanding first."""
    with api(workspace, "manager") as client:
        numbers = [a["number"] for a in client.get("/accounts").json()["items"]]
        found = [(n, i) for n in numbers for i in client.get(f"/accounts/{n}").json()["invoices"]]
    return sorted(found, key=lambda f: -Decimal(f[1]["outstanding"]))


def request_write_off(workspace: Workspace, caller: str, account: str, invoice: str,
                      amount: Decimal, reason: str) -> str:
    request_id = f"WOR-{uuid4().hex[:8].upper()}"
    with api(workspace, caller) as client:
        response = client.post(f"/accounts/{account}/write-off-requests", json={
            "request_id": request_id, "invoice_id": invoice, "amount": str(amount),
            "reason": reason,
        })
    assert response.status_code == 201, response.text
    return request_id


@pytest.fixture
def requests(workspace: Workspace) -> dict[str, str]:
    """Three pending write-offs: one above the threshold asked by the other manager (to
    approve), one asked by the manager (their own), one by the other manager (to reject)."""
    (account, invoice), *rest = open_invoices(workspace)
    outstanding = Decimal(invoice["outstanding"])
    assert outstanding > THRESHOLD, "the demo should have an invoice above the threshold"
    with api(workspace, "other manager") as client:
        direct = client.post(f"/accounts/{account}/write-offs", json={
            "invoice_id": invoice["invoice_id"], "amount": str(outstanding),
            "reason": "uncollectable"})
    assert direct.status_code == 409, "above the threshold a write-off must be a request"
    small_account, small = rest[0]
    return {
        "theirs": request_write_off(workspace, "other manager", account, invoice["invoice_id"],
                                    outstanding, "debtor in insolvency proceedings"),
        "mine": request_write_off(workspace, "manager", small_account, small["invoice_id"],
                                  Decimal("1.00"), "rounding difference"),
        "to reject": request_write_off(workspace, "other manager", small_account,
                                       small["invoice_id"], Decimal("2.00"), "goodwill"),
    }


def row(page: Page, request_id: str) -> Any:
    return page.locator(f"#request-{request_id}")


def test_a_manager_approves_another_managers_write_off_but_not_their_own(
    page: Page, sign_in: SignIn, requests: dict[str, str], workspace: Workspace
) -> None:
    sign_in(page, "manager")
    page.goto("/app/approvals")

    expect(page.get_by_role("heading", name="Approvals", level=1)).to_be_visible()
    theirs, mine = row(page, requests["theirs"]), row(page, requests["mine"])
    expect(theirs).to_contain_text("manager-2")
    expect(theirs).to_contain_text("debtor in insolvency proceedings")
    expect(mine).to_contain_text("Your request")
    expect(mine.get_by_role("button")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "approvals")

    theirs.get_by_label(f"Reason for {requests['theirs']}").fill("liquidator confirms")
    theirs.get_by_role("button", name=f"Approve {requests['theirs']}").click()

    expect(page.get_by_role("status")).to_contain_text(f"{requests['theirs']} approved")
    expect(row(page, requests["theirs"])).to_have_count(0)
    check_accessibility(page)
    with api(workspace, "manager") as client:
        pending = {i["request_id"] for i in client.get("/approvals").json()["items"]}
    assert requests["theirs"] not in pending and requests["mine"] in pending


def test_the_ledger_refuses_a_manager_who_posts_a_decision_on_their_own_request(
    page: Page, sign_in: SignIn, requests: dict[str, str]
) -> None:
    sign_in(page, "manager")
    page.goto("/app/approvals")
    account = row(page, requests["mine"]).get_by_role("link").first.inner_text()

    page.evaluate("""([action]) => {
        const form = document.createElement('form');
        form.method = 'post'; form.action = action;
        form.append(document.querySelector('input[name=csrf_token]').cloneNode());
        const decision = document.createElement('input');
        decision.name = 'decision'; decision.value = 'approve'; form.append(decision);
        document.body.append(form); form.submit();
    }""", [f"/app/approvals/write-off/{account}/{requests['mine']}"])

    expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("may not approve it too")
    expect(page.get_by_text("four-eyes-violation")).to_be_visible()
    check_accessibility(page)


def test_a_manager_rejects_a_request_from_the_list_by_keyboard(
    page: Page, sign_in: SignIn, requests: dict[str, str]
) -> None:
    sign_in(page, "manager")
    page.goto("/app/approvals")
    target = row(page, requests["to reject"])
    target.get_by_label(f"Reason for {requests['to reject']}").focus()

    page.keyboard.type("no goodwill for this debtor")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        f"Reject {requests['to reject']}")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"{requests['to reject']} rejected")
    expect(row(page, requests["to reject"])).to_have_count(0)


def test_an_agent_cannot_open_approvals(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "agent")
    response = page.goto("/app/approvals")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
