"""Tasks on the account page in a real browser: a manager creates one and completes it;
accessibility checked with the task listed."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn
from tests.browser.test_account import account

__all__ = ["account"]


def test_a_manager_creates_and_completes_a_task_from_the_account_page(
    page: Page, sign_in: SignIn, account: dict[str, Any]
) -> None:
    number = account["account"]
    sign_in(page, "manager")
    page.goto(f"/app/accounts/{number}")

    page.get_by_text("Create a task").click()
    page.get_by_label("Kind").select_option("follow_up")
    due = page.get_by_label("Due date")
    due.fill(str(due.get_attribute("min")))
    page.get_by_label("Note", exact=True).fill("ask for the remittance advice")
    page.get_by_role("button", name="Create task").click()

    row = page.locator("#task-list tbody tr").filter(has_text="follow up")
    expect(row).to_contain_text("manager-1")
    expect(row).to_contain_text("open")
    check_accessibility(page)

    row.locator("form.task-action").first.locator("input[name=note]").fill("paying Friday")
    row.get_by_role("button", name="Complete").click()

    expect(page.locator("#task-list tbody tr").filter(has_text="follow up")).to_contain_text(
        "completed")
    check_accessibility(page)
