"""Read endpoints over HTTP: what each answers, to whom, and page by page.

Three debtors (see ``api_world``: USD, INV-1 1000.00 due 31 January, INV-2 2500.00
due 14 February, today 10 February): one worked by agent-1, one by agent-2, one by
nobody. Reads of read models come after a catch-up, except where read-your-writes
is the point.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.commands.collections import OpenDispute
from tests.builders import make_ledger
from tests.unit.api_world import ApiWorld, problem_type
from tests.unit.given import a_payment

TOKYO = timezone(timedelta(hours=9))


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.mine = self.debtor(agent="agent-1")
        self.theirs = self.debtor(agent="agent-2")
        self.unassigned = self.debtor(agent=None)
        a_payment(self.service, "PAY-1", "400.00", date(2026, 2, 5), account=self.theirs)
        self.app.state.read_models.catch_up()

    def get(self, path: str, caller: str | None = "manager", **params: Any) -> httpx.Response:
        headers = {"X-API-Key": self.keys[caller]} if caller else {}
        return self.client.get(path, params=params or None, headers=headers)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


def reads(world: World) -> list[str]:
    """One URL per read endpoint, each answerable for the world's agent-1 debtor."""
    n = world.mine
    return [
        "/accounts", f"/accounts/{n}", f"/accounts/{n}/history",
        f"/accounts/{n}/statement?from=2026-01-01&to=2026-02-10",
        "/aging?as_of=2026-02-10", "/worklists/agent-1?on=2026-02-10&preview=true",
        "/kpis?from=2026-01-01&to=2026-02-10", "/audit/events",
    ]


READ_NAMES = ["accounts", "account", "history", "statement", "aging", "worklist", "kpis",
              "audit"]


@pytest.mark.parametrize("which", range(len(READ_NAMES)), ids=READ_NAMES)
def test_every_read_without_a_key_is_401(world: World, which: int) -> None:
    response = world.get(reads(world)[which], caller=None)

    assert response.status_code == 401
    assert problem_type(response) == "unauthenticated"


@pytest.mark.parametrize("which", range(len(READ_NAMES)), ids=READ_NAMES)
def test_an_auditor_reads_everything(world: World, which: int) -> None:
    response = world.get(reads(world)[which], caller="auditor")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("which", range(len(READ_NAMES)), ids=READ_NAMES)
def test_an_admin_reads_nothing_but_keys(world: World, which: int) -> None:
    response = world.get(reads(world)[which], caller="admin")

    assert response.status_code == 403
    assert problem_type(response) == "forbidden"


@pytest.mark.parametrize("path", ["", "/history", "/statement?from=2026-01-01&to=2026-02-10"])
def test_an_agent_may_not_read_another_agents_account(world: World, path: str) -> None:
    response = world.get(f"/accounts/{world.theirs}{path}", caller="agent")

    assert response.status_code == 403
    assert problem_type(response) == "forbidden"


@pytest.mark.parametrize("path", ["/aging", "/kpis?from=2026-01-01&to=2026-02-10",
                                  "/audit/events", "/worklists/agent-1?preview=true",
                                  "/accounts/ACC-0001/history"])
def test_the_service_role_may_not_read_the_portfolio_or_histories(world: World, path: str) -> None:
    response = world.get(path, caller="service")

    assert response.status_code == 403


def test_the_service_role_may_read_account_state(world: World) -> None:
    response = world.get(f"/accounts/{world.unassigned}", caller="service")

    assert response.status_code == 200
    assert response.json()["account"] == world.unassigned


@pytest.mark.parametrize("path", ["/aging", "/kpis?from=2026-01-01&to=2026-02-10",
                                  "/audit/events"])
def test_an_agent_may_not_read_the_portfolio(world: World, path: str) -> None:
    assert world.get(path, caller="agent").status_code == 403


@pytest.mark.parametrize("path", ["", "/history", "/statement?from=2026-01-01&to=2026-02-10"])
def test_an_unknown_account_is_404(world: World, path: str) -> None:
    response = world.get(f"/accounts/ACC-NOPE{path}")

    assert response.status_code == 404
    assert problem_type(response) == "account-not-found"


@pytest.mark.parametrize(("path", "field"), [
    ("/accounts/ACC-0001?as_of=notadate", "query.as_of"),
    ("/aging?by=customer", "query.by"),
    ("/aging?edges=thirty", "query.edges"),
    ("/aging?currency=usd", "query.currency"),
    ("/accounts?limit=0", "query.limit"),
    ("/accounts/ACC-0001/history?after_version=-1", "query.after_version"),
    ("/kpis?from=2026-01-01", "query.to"),
    ("/audit/events?format=xml", "query.format"),
    ("/audit/events?wait_for=-3", "query.wait_for"),
    ("/audit/events?after_position=18446744073709551616", "query.after_position"),
    ("/aging?as_of=0001-01-01", "query.as_of"),
    ("/aging?known_at=0001-01-01T00:00:00%2B05:00", "query.known_at"),
    ("/worklists/agent-1?on=9999-12-31", "query.on"),
])
def test_a_bad_query_parameter_is_422_naming_it(world: World, path: str, field: str) -> None:
    response = world.get(path)

    assert response.status_code == 422, response.text
    assert problem_type(response) == "validation-error"
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(("path", "rule"), [
    ("/aging?edges=60,30", "invalid-bucket-edges"),
    ("/kpis?from=2026-02-10&to=2026-01-01", "invalid-dates"),
    ("/accounts/ACC-0001/statement?from=2026-02-10&to=2026-01-01", "invalid-dates"),
])
def test_a_query_breaking_a_rule_between_its_values_is_422_naming_the_rule(
    world: World, path: str, rule: str
) -> None:
    """What the contract cannot state (an order between two values) has its own type."""
    response = world.get(path)

    assert response.status_code == 422, response.text
    assert problem_type(response) == rule


def walk(world: World, path: str, cursor: str, caller: str = "manager",
         **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paged list, following ``next_cursor``; also how many pages."""
    items: list[dict[str, Any]] = []
    pages, position = 0, None
    while True:
        query = {**params, **({cursor: position} if position is not None else {})}
        response = world.get(path, caller, **query)
        assert response.status_code == 200, response.text
        body, pages = response.json(), pages + 1
        items.extend(body["items"])
        position = body["next_cursor"]
        if position is None:
            assert "link" not in response.headers
            return items, pages
        assert f"{cursor}={position}" in response.headers["link"]
        assert response.headers["link"].endswith('rel="next"')


def test_the_account_list_covers_every_account_exactly_once_in_pages(world: World) -> None:
    items, pages = walk(world, "/accounts", "after", limit=2)

    numbers = [item["number"] for item in items]
    assert numbers == sorted(world.service.account_numbers())
    assert len(numbers) >= 3 and pages == math.ceil(len(numbers) / 2)


def test_an_agent_lists_only_the_accounts_assigned_to_them(world: World) -> None:
    items, _ = walk(world, "/accounts", "after", caller="agent", limit=1)

    assert world.mine in [item["number"] for item in items]
    assert {item["agent"] for item in items} == {"agent-1"}


def test_account_state_shows_money_as_decimal_strings_and_its_version_as_etag(
    world: World,
) -> None:
    response = world.get(f"/accounts/{world.mine}", as_of="2026-02-10")

    body = response.json()
    assert response.status_code == 200
    assert body["totals"]["USD"]["outstanding"] == "3500.00"
    assert body["totals"]["USD"]["overdue"] == "1000.00"
    assert [i["invoice_id"] for i in body["invoices"]] == ["INV-1", "INV-2"]
    assert response.headers["etag"] == f'"v{world.version(world.mine)}"'


def test_account_state_as_known_at_a_time_leaves_out_what_was_recorded_later(
    world: World,
) -> None:
    first_invoice = world.history(world.mine)[1]
    assert first_invoice["payload"]["invoice_id"] == "INV-1"

    response = world.get(f"/accounts/{world.mine}", as_of="2026-02-10",
                         known_at=first_invoice["recorded_at"])

    assert response.json()["totals"]["USD"]["outstanding"] == "1000.00"
    assert response.json()["version"] == 2
    assert response.headers["etag"] == f'"v{world.version(world.mine)}"'


def test_if_none_match_with_the_current_etag_is_304_for_an_explicit_date(world: World) -> None:
    url = f"/accounts/{world.mine}?as_of=2026-02-10"
    tag = world.get(url).headers["etag"]

    response = world.client.get(url, headers={"X-API-Key": world.keys["manager"],
                                              "If-None-Match": tag})

    assert response.status_code == 304
    assert response.headers["etag"] == tag


def test_history_pages_cover_every_event_exactly_once_in_version_order(world: World) -> None:
    items, pages = walk(world, f"/accounts/{world.mine}/history", "after_version", limit=2)

    stored = world.history(world.mine)
    assert [(i["version"], i["hash"], i["prev_hash"]) for i in items] == [
        (e["version"], e["hash"], e["prev_hash"]) for e in stored
    ]
    assert pages == 2 and all(isinstance(i["position"], int) for i in items)


def test_an_agent_reads_the_history_of_their_own_account(world: World) -> None:
    response = world.get(f"/accounts/{world.mine}/history", caller="agent")

    assert [e["type"] for e in response.json()["items"]] == [
        "AccountOpened", "InvoiceIssued", "InvoiceIssued", "AgentAssigned"
    ]


def test_audit_events_cover_the_whole_log_exactly_once_by_position(world: World) -> None:
    items, _ = walk(world, "/audit/events", "after_position", caller="compliance", limit=5)

    positions = [i["position"] for i in items]
    events = sum(len(world.history(n)) for n in world.service.account_numbers())
    assert positions == sorted(set(positions)) and len(positions) == events, (
        "every account event once, in log order (ledger-level events, such as the key "
        "grants, are not account events)")
    assert positions[-1] == world.position()
    assert sum(1 for i in items if i["type"] == "AccountOpened") == 3


def test_aging_by_agent_puts_each_invoice_in_its_bucket(world: World) -> None:
    body = world.get("/aging", as_of="2026-02-10", by="agent", edges="10,30").json()

    assert body["buckets"] == ["current", "1-10", "11-30", "over 30"]
    rows = {row["key"]: row for row in body["rows"]}
    assert set(rows) == {"agent-1", "agent-2", "(unassigned)"}
    assert rows["agent-1"]["buckets"] == {
        "current": "2500.00", "1-10": "1000.00", "11-30": "0.00", "over 30": "0.00"
    }
    assert rows["agent-1"]["total"] == "3500.00" and rows["agent-1"]["invoices"] == 2


def test_aging_of_a_currency_with_no_invoices_is_empty(world: World) -> None:
    body = world.get("/aging", as_of="2026-02-10", by="portfolio", currency="EUR").json()

    assert body["rows"] == []


def test_aging_as_known_before_a_payment_was_recorded_leaves_the_payment_out(
    world: World,
) -> None:
    events = world.history(world.theirs)
    before_payment = next(i for i, e in enumerate(events) if e["type"] == "PaymentReceived") - 1

    now = world.get("/aging", as_of="2026-02-10", by="agent").json()
    known_at = datetime.fromisoformat(events[before_payment]["recorded_at"])
    then = world.get("/aging", as_of="2026-02-10", by="agent",
                     known_at=known_at.isoformat()).json()
    then_in_tokyo = world.get("/aging", as_of="2026-02-10", by="agent",
                              known_at=known_at.astimezone(TOKYO).isoformat()).json()

    assert {r["key"]: r["total"] for r in now["rows"]}["agent-2"] == "3100.00"
    assert {r["key"]: r["total"] for r in then["rows"]}["agent-2"] == "3500.00"
    assert then_in_tokyo["rows"] == then["rows"]


def test_kpis_report_each_currency_and_each_agents_performance(world: World) -> None:
    body = world.get("/kpis", **{"from": "2026-01-01", "to": "2026-02-10"}).json()

    [usd] = body["currencies"]
    assert usd["currency"] == "USD" and usd["days"] == 41
    assert usd["credit_sales"] == "10500.00" and usd["ending_ar"] == "10100.00"
    assert usd["promise_kept_percent"] is None
    agents = {a["agent_id"]: a for a in body["agents"]}
    assert agents["agent-2"]["collected"] == {"USD": "400.00"}


def test_kpis_for_one_agent_report_only_that_agent(world: World) -> None:
    body = world.get("/kpis", agent="agent-2", **{"from": "2026-01-01", "to": "2026-02-10"})

    assert [a["agent_id"] for a in body.json()["agents"]] == ["agent-2"]
    assert body.json()["currencies"][0]["ending_ar"] == "3100.00"


def test_a_statement_balances_from_opening_to_closing(world: World) -> None:
    response = world.get(f"/accounts/{world.mine}/statement", caller="agent",
                         **{"from": "2026-01-01", "to": "2026-02-10"})

    [usd] = response.json()["statements"]
    assert usd["opening_balance"] == "0.00" and usd["closing_balance"] == "3500.00"
    assert [line["document_id"] for line in usd["lines"]] == ["INV-1", "INV-2"]
    assert usd["lines"][-1]["balance"] == "3500.00"


@pytest.fixture
def live() -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app whose read models follow the log in the background, as served."""
    ledger, clock = make_ledger()
    clock.set_day(date(2026, 2, 10))
    app = create_app(ledger, follow=True)
    _, key = app.state.keys.create("manager", "manager-1")
    with TestClient(app) as client:
        yield client, {"X-API-Key": key}


def test_reading_with_wait_for_includes_ones_own_just_made_write(
    live: tuple[TestClient, dict[str, str]],
) -> None:
    client, key = live
    opened = client.post("/accounts", headers=key, json={
        "account": "ACC-RYW", "name": "Read Your Writes Ltd", "currency": "USD",
    })
    assert opened.status_code == 201, opened.text
    invoiced = client.post("/accounts/ACC-RYW/invoices", headers=key, json={
        "invoice_id": "INV-9", "amount": "42.00", "currency": "USD",
        "issue_date": "2026-02-01",
    })
    position = invoiced.headers["x-ledger-position"]

    statement = client.get("/accounts/ACC-RYW/statement", headers=key, params={
        "from": "2026-02-01", "to": "2026-02-10", "wait_for": position})
    history = client.get("/accounts/ACC-RYW/history", headers=key,
                         params={"wait_for": position})

    assert statement.status_code == 200, statement.text
    assert statement.json()["statements"][0]["closing_balance"] == "42.00"
    assert history.json()["items"][-1]["payload"]["invoice_id"] == "INV-9"


def test_waiting_for_a_position_the_read_models_do_not_reach_is_503_with_retry_after(
    world: World,
) -> None:
    world.run(OpenDispute(account=world.unassigned, dispute_id="D-1", invoice_id="INV-1",
                          amount="10.00", reason="short delivery"))
    world.app.state.wait_timeout = 0.05
    try:
        response = world.get("/aging", wait_for=world.position())
    finally:
        del world.app.state.wait_timeout
        world.app.state.read_models.catch_up()

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert str(world.position()) in response.json()["detail"]


def test_waiting_for_a_position_never_written_is_422_at_once(world: World) -> None:
    response = world.get("/aging", wait_for=world.position() + 1000)

    assert response.status_code == 422
    assert "has not been written" in response.json()["detail"]
