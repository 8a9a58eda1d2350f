"""The portfolio dashboard in a real browser: every figure it shows is the API's figure for
the same filters and dates (asked of the API in the test with the same caller's key), the
as-of and as-known-at controls re-draw them, agents are refused, axe passes on every state,
and the filters are reachable by keyboard."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from babel import Locale
from playwright.sync_api import Page, expect

from api.workspace.formatting import money, number
from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn, Workspace
from tests.browser.screenshots import screenshot

EN_US = Locale.parse("en_US")


def api(page: Page, workspace: Workspace, who: str, path: str, **params: str) -> Any:
    """The API's answer to ``who`` (their key, not the session) for ``path``."""
    answer = page.request.get(path, params=params, headers={"X-API-Key": workspace.keys[who]})
    assert answer.ok, answer.text()
    return answer.json()


def totals_shown(page: Page) -> dict[str, str]:
    """Currency -> the total in the portfolio aging table, as written on the page."""
    rows = page.locator("#portfolio-aging tbody tr")
    return {row.get_attribute("data-currency") or "": row.locator("td[data-total]").inner_text()
            for row in rows.all()}


def totals_of(report: dict[str, Any]) -> dict[str, str]:
    """The same, from ``GET /aging?by=portfolio``, written as the page writes money (en-US)."""
    return {row["currency"]: money(Decimal(row["total"]), row["currency"], EN_US)
            for row in report["rows"]}


def apply_filters(page: Page, **fields: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(value)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()


def test_a_manager_sees_aging_and_the_trend_per_currency_as_the_api_gives_them(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "manager")
    aging = api(page, workspace, "manager", "/aging", by="portfolio")
    trend = api(page, workspace, "manager", "/kpis/trend", months="12")

    page.goto("/app/dashboard")

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert totals_shown(page) == totals_of(aging)
    for currency in totals_of(aging):
        section = page.locator(f"#aging-{currency}")
        expect(section.get_by_role("img", name=f"Aging by agent in {currency}")).to_be_visible()
        expect(section.get_by_role("table")).to_be_visible()
    last = trend["months"][-1]
    for report in last["currencies"]:
        section = page.locator(f"#trend-{report['currency']}")
        expect(section.get_by_role("img").first).to_be_visible()
        if report["dso"] is not None:
            dso = section.locator(f"tr[data-month='{last['start'][:7]}'] [data-kpi=dso]")
            expect(dso).to_have_text(number(Decimal(report["dso"]), EN_US))
    expect(page.get_by_role("heading", name="The last 30 days")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dashboard")


def test_an_agent_filter_shows_that_agents_figures(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "manager")
    by_agent = api(page, workspace, "manager", "/aging", by="agent")["rows"]
    agent = max(by_agent, key=lambda row: Decimal(row["total"]))["key"]
    everyone = totals_of(api(page, workspace, "manager", "/aging", by="portfolio"))
    theirs = totals_of(api(page, workspace, "manager", "/aging", by="portfolio", agent=agent))
    assert theirs != everyone, "the demo should give the agent less than the portfolio"
    page.goto("/app/dashboard")

    apply_filters(page, agent=agent)

    assert totals_shown(page) == theirs
    assert page.get_by_label("Agent", exact=True).input_value() == agent
    expect(page.locator("#as-of-line")).to_contain_text(f"agent {agent}")
    agents_charted = {row.get_attribute("data-agent")
                      for row in page.locator(".currency-aging tbody tr").all()}
    assert agents_charted == {agent}
    check_accessibility(page)


def test_an_auditor_moves_the_as_of_date_back_and_sees_the_aging_of_that_day(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")
    today = date.fromisoformat(api(page, workspace, "auditor", "/aging", by="portfolio")["as_of"])
    that_day = (today - timedelta(days=45)).isoformat()
    then = totals_of(api(page, workspace, "auditor", "/aging", by="portfolio", as_of=that_day))
    page.goto("/app/dashboard")
    now = totals_shown(page)

    apply_filters(page, as_of=that_day)

    assert totals_shown(page) == then != now
    assert page.get_by_label("As of", exact=True).input_value() == that_day
    check_accessibility(page)
    screenshot(page, "dashboard-as-of")


def test_as_known_at_a_time_before_an_invoice_was_recorded_the_figures_leave_it_out(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")
    events = api(page, workspace, "auditor", "/audit/events", limit="1000")["items"]
    invoice = max((e for e in events if e["type"] == "InvoiceIssued"),
                  key=lambda e: e["recorded_at"])
    recorded = datetime.fromisoformat(invoice["recorded_at"])
    before = (recorded - timedelta(seconds=1)).replace(microsecond=0)
    known_at = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    as_known = totals_of(api(page, workspace, "auditor", "/aging", by="portfolio",
                             known_at=known_at))
    page.goto("/app/dashboard")
    now = totals_shown(page)

    apply_filters(page, as_known_at=before.strftime("%Y-%m-%dT%H:%M:%S"))

    assert totals_shown(page) == as_known != now
    expect(page.locator("#as-of-line")).to_contain_text("as the ledger knew them at")
    expect(page.get_by_text("read as UTC")).to_be_visible()
    check_accessibility(page)


def test_filters_the_api_would_refuse_are_named_on_the_page(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "manager")

    response = page.goto("/app/dashboard?currency=US&as_of=1200-01-01")

    assert response is not None and response.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Currency")
    expect(alert).to_contain_text("As of")
    check_accessibility(page)


def test_an_agent_is_refused_the_dashboard(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "agent")

    response = page.goto("/app/dashboard")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("may not open Dashboard")


def test_tab_reaches_every_filter_and_the_apply_button(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")
    page.goto("/app/dashboard")
    page.get_by_label("Agent", exact=True).focus()

    reached = set()
    for _ in range(20):
        reached.add(page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"))
        page.keyboard.press("Tab")

    assert {"agent", "segment", "currency", "as_of", "known_at", "Apply"} <= reached
