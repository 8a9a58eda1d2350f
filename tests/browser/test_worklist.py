"""The worklist page in a real browser: an agent's ranked rows, a call at 21:30 in the
debtor's timezone refused with its rule (and then in the account's timeline), an allowed call
logged, a promise and a dispute recorded from the row, a manager looking at another agent's
worklist, the keyboard."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn
from tests.browser.screenshots import screenshot

AGENT = "agent 5"
"""agent-5 works several demo accounts with money overdue (agent-1's are mostly kept off)."""


def rows(page: Page) -> Locator:
    return page.locator("table.worklist:not(.excluded) tbody.row")


def zone_of(row: Locator) -> ZoneInfo:
    return ZoneInfo(row.locator(".zone").inner_text().strip())


def local_input(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def last_in_hours(zone: ZoneInfo) -> datetime:
    """A past moment within calling hours in ``zone``: the last one before now."""
    now = datetime.now(zone)
    if time(8, 5) <= now.time() < time(20, 55):
        return now - timedelta(minutes=2)
    day = now.date() if now.time() >= time(20, 55) else now.date() - timedelta(days=1)
    return datetime.combine(day, time(20, 30), tzinfo=zone)


def log_contact(row: Locator, at: str, outcome: str = "no_answer") -> None:
    row.get_by_text("Log a contact").click()
    form = row.locator("form[action$='/contact']")
    form.get_by_label("Channel").select_option("call")
    form.get_by_label("Outcome").select_option(outcome)
    form.get_by_label("Time").fill(at)
    form.get_by_role("button", name="Log contact").click()


def test_an_agent_sees_their_worklist_ranked(page: Page, sign_in: SignIn) -> None:
    sign_in(page, AGENT)

    expect(page.get_by_role("heading", level=1, name="Worklist")).to_be_visible()
    ranks = [r.locator("td").first.inner_text() for r in rows(page).all()]
    assert len(ranks) >= 2 and ranks == [str(n) for n in range(1, len(ranks) + 1)]
    first = rows(page).first
    number = str(first.get_attribute("id")).removeprefix("row-")
    expect(first.get_by_role("link").first).to_have_attribute("href", f"/app/accounts/{number}")
    expect(first.locator(".zone")).not_to_be_empty()
    check_accessibility(page)
    screenshot(page, "worklist")


def test_a_call_at_21_30_in_the_debtors_timezone_is_refused_with_its_rule(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, AGENT)
    row = rows(page).first
    number = str(row.get_attribute("id")).removeprefix("row-")
    zone = zone_of(row)
    yesterday = datetime.now(zone).date() - timedelta(days=1)

    log_contact(row, f"{yesterday.isoformat()}T21:30")

    alert = rows(page).first.get_by_role("alert")
    expect(alert).to_contain_text("OutsideCallHours")
    expect(alert).to_contain_text("contact-refused/call-hours")
    expect(alert).to_contain_text("Calls only from 08:00 to before 21:00")
    expect(alert).to_contain_text("21:30 local time")
    check_accessibility(page)
    screenshot(page, "worklist-call-refused")
    page.goto(f"/app/accounts/{number}")
    newest = page.locator("#timeline tbody tr").first
    expect(newest).to_have_class("refusal")
    expect(newest).to_contain_text("Contact refused")
    expect(newest).to_contain_text("call-hours")
    expect(newest).to_contain_text("agent-5")


def test_an_allowed_call_is_logged(page: Page, sign_in: SignIn) -> None:
    sign_in(page, AGENT)
    row = rows(page).nth(1)
    number = row.get_attribute("id")

    log_contact(row, local_input(last_in_hours(zone_of(row))))

    logged = page.locator(f"tbody#{number}")
    expect(logged.get_by_role("status")).to_have_text("Contact logged.")
    check_accessibility(page)


def test_a_promise_recorded_from_the_row_shows_on_it(page: Page, sign_in: SignIn) -> None:
    sign_in(page, AGENT)
    row = rows(page).last
    number = row.get_attribute("id")
    due = (datetime.now().date() + timedelta(days=7))

    row.get_by_text("Record a promise").click()
    form = row.locator("form[action$='/promise']")
    form.get_by_label("Amount").fill("125.50")
    form.get_by_label("Due date").fill(due.isoformat())
    form.get_by_role("button", name="Record promise").click()

    updated = page.locator(f"tbody#{number}")
    expect(updated.get_by_role("status")).to_have_text("Promise recorded.")
    expect(updated.locator("tr").first).to_contain_text("Promise")
    expect(updated.locator("tr").first).to_contain_text("125.50")
    check_accessibility(page)


def test_a_dispute_opened_from_the_row_without_javascript(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, AGENT)
    page.context.route("**/static/vendor/htmx.min.js", lambda route: route.abort())
    page.reload()
    row = rows(page).first
    number = row.get_attribute("id")

    row.get_by_text("Open a dispute").click()
    form = row.locator("form[action$='/dispute']")
    form.get_by_label("Amount").fill("1.00")
    form.get_by_label("Reason").select_option("pricing")
    form.get_by_role("button", name="Open dispute").click()

    page.wait_for_url("**/app/worklist?*done=dispute*")
    expect(page.locator(f"tbody#{number}").get_by_role("status")).to_have_text(
        "Dispute opened.")
    check_accessibility(page)


def test_a_refusal_without_javascript_shows_next_to_the_form(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, AGENT)
    page.context.route("**/static/vendor/htmx.min.js", lambda route: route.abort())
    page.reload()
    row = rows(page).first
    zone = zone_of(row)
    yesterday = datetime.now(zone).date() - timedelta(days=1)

    log_contact(row, f"{yesterday.isoformat()}T21:30")

    expect(page.get_by_role("alert")).to_contain_text("contact-refused/call-hours")


def test_a_manager_switches_to_another_agents_worklist(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")
    page.goto("/app/worklist")

    page.get_by_label("Agent").select_option("agent-5")
    page.get_by_role("button", name="Show worklist").click()

    page.wait_for_url("**/app/worklist?agent=agent-5")
    expect(rows(page).first).to_be_visible()
    check_accessibility(page)


def test_an_agent_may_not_open_another_agents_worklist(page: Page, sign_in: SignIn) -> None:
    sign_in(page, AGENT)

    response = page.goto("/app/worklist?agent=agent-1")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("worklist of agent-1")


def test_accounts_kept_off_show_the_rule_in_words(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "agent")

    kept_off = page.locator("table.excluded")
    expect(kept_off).to_contain_text("ACC-00006")
    expect(kept_off).to_contain_text("asked us to cease communication")
    check_accessibility(page)


def test_row_actions_are_reachable_by_tab(page: Page, sign_in: SignIn) -> None:
    sign_in(page, AGENT)
    reached: list[str] = []

    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if "Open a dispute" in reached:
            break

    assert {"Log a contact", "Record a promise", "Open a dispute"} <= set(reached)
    page.keyboard.press("Enter")
    expect(rows(page).first.locator("form[action$='/dispute']")).to_be_visible()
