"""Search from the layout's box on every page, in a real browser: by account number, a
fragment of the name, an invoice number and a payment's bank reference, each finding the
account and linking to its page; an agent finds only their own accounts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn
from tests.browser.screenshots import screenshot

ACCOUNT = "ACC-00003"
"""A demo account worked by agent-5: Silverline Robotics Corp., invoices INV-00003-…,
payments PAY-00003-… with ACH references."""


def search_for(page: Page, query: str) -> None:
    page.get_by_role("search").get_by_label("Search").fill(query)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()


@pytest.mark.parametrize(("query", "matched"), [
    ("acc-00003", "account number"),
    ("silverline rob", "name"),
    ("INV-00003-001", "invoice: INV-00003-001"),
    ("ACH-", "payment"),
])
def test_search_finds_the_account(
    page: Page, sign_in: SignIn, query: str, matched: str
) -> None:
    sign_in(page, "manager")

    search_for(page, query)

    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ACCOUNT))
    expect(row).to_contain_text(matched)
    expect(row.get_by_role("link", name=ACCOUNT)).to_have_attribute(
        "href", f"/app/accounts/{ACCOUNT}")
    check_accessibility(page)


def test_a_payments_bank_reference_finds_the_account(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")
    search_for(page, "PAY-00003-001")
    reference = page.get_by_role("row").nth(1).inner_text()
    assert "PAY-00003-001" in reference

    search_for(page, "ACH-")
    ach = page.get_by_role("row").filter(has=page.get_by_role("link", name=ACCOUNT))
    bank_reference = ach.inner_text().split("payment: ")[1].strip()
    search_for(page, bank_reference.lower())

    expect(page.get_by_role("link", name=ACCOUNT)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 account found")
    check_accessibility(page)
    screenshot(page, "search")


def test_an_agent_finds_only_their_own_accounts(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "agent")

    search_for(page, "ACC-0000")

    expect(page.get_by_role("status")).to_contain_text("among your accounts")
    expect(page.get_by_role("link", name="ACC-00001")).to_be_visible()
    expect(page.get_by_role("link", name=ACCOUNT)).to_have_count(0)
    check_accessibility(page)
