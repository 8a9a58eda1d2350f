"""Aging and KPIs narrowed to an account, an agent, a segment or a currency, and aging by
account a page at a time.

Five debtors (see ``api_world``: USD, INV-1 1000.00 due 31 January, INV-2 2500.00 due
14 February, today 10 February): agent-1's, agent-2's, an unassigned one, an enterprise
account of agent-1's that also owes 70000 JPY and holds 1500.00 USD of unapplied credit,
and one that owes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledger.commands.accounts import AssignAgent
from ledger.commands.receivables import IssueInvoice
from tests.builders import MANAGER
from tests.unit.api_world import ApiWorld, problem_type
from tests.unit.given import a_payment, an_account

ON = {"as_of": "2026-02-10"}
PERIOD = {"from": "2026-01-01", "to": "2026-02-10"}


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.mine = self.debtor(agent="agent-1")
        self.theirs = self.debtor(agent="agent-2")
        self.unassigned = self.debtor(agent=None)
        self.big = self.enterprise_debtor()
        self.paid_up = self.new_number()
        an_account(self.service, self.paid_up)
        self.caught_up()

    def enterprise_debtor(self) -> str:
        number = self.new_number()
        an_account(self.service, number, segment="enterprise")
        for invoice_id, amount, currency in (("INV-1", "3500.00", "USD"),
                                             ("INV-Y", "70000", "JPY")):
            self.service.execute(IssueInvoice(
                account=number, invoice_id=invoice_id, amount=Decimal(amount), currency=currency,
                issue_date=date(2026, 1, 20),
            ), MANAGER)
        a_payment(self.service, "PAY-1", "5000.00", date(2026, 2, 5), account=number,
                  allocations=[("INV-1", "3500.00")])
        self.service.execute(AssignAgent(account=number, agent_id="agent-1"), MANAGER)
        return number

    def caught_up(self) -> None:
        self.app.state.read_models.catch_up()

    def get(self, path: str, caller: str = "manager", **params: Any) -> httpx.Response:
        headers = {"X-API-Key": self.keys[caller]}
        return self.client.get(path, params=params or None, headers=headers)

    def rows(self, **params: Any) -> list[dict[str, Any]]:
        response = self.get("/aging", **ON, **params)
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None
        return list(response.json()["rows"])

    def walk(self, **params: Any) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        pages, cursor = 0, None
        while True:
            query = {**ON, **params, **({"cursor": cursor} if cursor is not None else {})}
            response = self.get("/aging", **query)
            assert response.status_code == 200, response.text
            body, pages = response.json(), pages + 1
            rows.extend(body["rows"])
            cursor = body["next_cursor"]
            if cursor is None:
                assert "link" not in response.headers
                return rows, pages
            assert f"cursor={cursor}" in response.headers["link"]
            assert response.headers["link"].endswith('rel="next"')


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


def keys(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(row["key"], row["currency"]) for row in rows]


def test_aging_by_agent_keeps_the_accounts_currently_assigned_to_the_agent(world: World) -> None:
    rows = world.rows(agent="agent-1")

    assert keys(rows) == [(world.mine, "USD"), (world.big, "JPY"), (world.big, "USD")]


def test_aging_filters_given_together_intersect(world: World) -> None:
    assert keys(world.rows(agent="agent-1", segment="enterprise", currency="USD")) == [
        (world.big, "USD")]
    assert world.rows(agent="agent-2", segment="enterprise") == []
    assert world.rows(account=world.mine, agent="agent-2") == []


def test_aging_of_one_account_by_portfolio_is_that_accounts_rows(world: World) -> None:
    [usd] = world.rows(account=world.big, by="portfolio", currency="USD")
    [by_account] = [r for r in world.rows() if keys([r]) == [(world.big, "USD")]]

    assert usd["key"] == "portfolio"
    assert {k: v for k, v in usd.items() if k != "key"} == {
        k: v for k, v in by_account.items() if k != "key"}
    assert usd["unapplied_credit"] == "1500.00" and usd["total"] == "0.00"


def test_aging_of_a_segment_by_currency_sums_that_segments_accounts(world: World) -> None:
    rows = {r["currency"]: r for r in world.rows(segment="standard", by="currency")}

    assert set(rows) == {"USD"}
    assert rows["USD"]["total"] == "10500.00" and rows["USD"]["unapplied_credit"] == "0.00"


def test_kpis_of_one_account_are_that_accounts_figures(world: World) -> None:
    body = world.get("/kpis", account=world.big, **PERIOD).json()

    assert [(c["currency"], c["ending_ar"]) for c in body["currencies"]] == [
        ("JPY", "70000"), ("USD", "0.00")]
    assert {a["agent_id"]: a["collected"] for a in body["agents"]} == {
        "agent-1": {"USD": "5000.00"}}


def test_kpis_of_one_currency_report_that_currency_only(world: World) -> None:
    body = world.get("/kpis", currency="JPY", agent="agent-1", **PERIOD).json()

    assert [(c["currency"], c["ending_ar"]) for c in body["currencies"]] == [("JPY", "70000")]
    assert all(a["collected"] == {} for a in body["agents"])


def test_kpis_filters_given_together_intersect(world: World) -> None:
    body = world.get("/kpis", agent="agent-1", segment="standard", **PERIOD).json()

    [usd] = body["currencies"]
    assert usd["ending_ar"] == "3500.00"


@pytest.mark.parametrize("limit", [1, 2, 3, 1000])
def test_walking_every_page_of_aging_by_account_is_the_unpaged_answer(
    world: World, limit: int,
) -> None:
    rows, pages = world.walk(limit=limit)

    assert rows == world.rows()
    assert pages == -(-5 // limit)


def test_a_filtered_aging_walks_the_same_as_the_filtered_answer(world: World) -> None:
    rows, pages = world.walk(limit=1, agent="agent-1", currency="USD")

    assert rows == world.rows(agent="agent-1", currency="USD")
    assert pages == 2


def test_an_exported_page_carries_the_link_to_the_next(world: World) -> None:
    response = world.get("/aging", **ON, limit=2, format="csv")

    assert response.status_code == 200
    assert "cursor=ACC-0002" in response.headers["link"]
    assert len(response.text.strip().splitlines()) == 3


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 0}, "query.limit"), ({"limit": 1001}, "query.limit"),
    ({"cursor": "../x"}, "query.cursor"), ({"agent": "a b"}, "query.agent"),
    ({"segment": ""}, "query.segment"), ({"account": "x" * 65}, "query.account"),
])
def test_a_bad_filter_or_page_parameter_is_422_naming_it(
    world: World, query: dict[str, Any], field: str,
) -> None:
    response = world.get("/aging", **query)

    assert response.status_code == 422
    assert field in response.text


def test_paging_applies_to_aging_by_account_only(world: World) -> None:
    response = world.get("/aging", by="agent", limit=2)

    assert response.status_code == 422
    assert problem_type(response) == "invalid-command"


def test_a_cursor_stays_valid_after_accounts_are_opened() -> None:
    world = World()
    first = world.get("/aging", **ON, limit=2).json()
    cursor = first["next_cursor"]
    earlier = "ACC-0001b"
    an_account(world.service, earlier)
    world.service.execute(IssueInvoice(
        account=earlier, invoice_id="INV-1", amount=Decimal("10.00"), currency="USD",
        issue_date=date(2026, 1, 1)), MANAGER)
    world.debtor()
    world.caught_up()

    rest, _ = world.walk(limit=2, cursor=cursor)

    assert first["rows"] + rest == [r for r in world.rows() if r["key"] != earlier]
    assert cursor == "ACC-0002" and [r["key"] for r in rest][-1] == "ACC-0006"
