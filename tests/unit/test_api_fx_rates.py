"""FX rates over HTTP (import, list) and aging totalled in a reporting currency.

One world: two USD debtors (``api_world``: 3500.00 each, today 10 February 2026) and one
owing 70000 JPY; rates EUR/USD and EUR/JPY imported on 9 February.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.routers.fx_rates import fx_rates_of
from ledger.commands.receivables import IssueInvoice
from ledger.fx_rates import reporting_for
from tests.builders import MANAGER
from tests.unit.api_world import ApiWorld, problem_type
from tests.unit.given import an_account
from tests.unit.test_workspace_session import token_in

RATES = ("base_currency,quote_currency,rate_date,rate\n"
         "EUR,USD,2026-02-09,1.25\nEUR,JPY,2026-02-09,160\n")


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.debtor(), self.debtor()
        number = self.new_number()
        an_account(self.service, number)
        self.service.execute(IssueInvoice(account=number, invoice_id="Y-1", currency="JPY",
                                          amount=Decimal(70000), issue_date=date(2026, 1, 20)),
                             MANAGER)
        self.app.state.read_models.catch_up()

    def send(self, body: str, caller: str = "manager",
             kind: str = "text/csv") -> httpx.Response:
        return self.client.post("/fx-rates", content=body.encode(), headers={
            "X-API-Key": self.keys[caller], "Content-Type": kind})

    def get(self, path: str, caller: str = "manager", **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers={"X-API-Key": self.keys[caller]})


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    world = World()
    assert world.send(RATES).json() == {"added": 2, "unchanged": 0}
    yield world


def test_the_same_rates_again_change_nothing_and_are_listed_by_date(world: World) -> None:
    assert world.send(RATES, caller="service").json() == {"added": 0, "unchanged": 2}
    listed = world.get("/fx-rates", caller="auditor", date="2026-02-09").json()
    assert [(r["base_currency"], r["quote_currency"], r["rate"]) for r in listed["items"]] == [
        ("EUR", "JPY", "160"), ("EUR", "USD", "1.25")]
    assert world.get("/fx-rates", date="2026-02-10").json()["items"] == []


def test_bad_rows_are_refused_with_row_numbers_and_nothing_is_imported(world: World) -> None:
    body = RATES.replace("1.25", "1.30") + "EUR,GBP,2026-02-09,1e3\nEUR,CHF,2026-02-09,0.93\n"
    response = world.send(body)
    assert response.status_code == 422 and problem_type(response).endswith("fx-rates-refused")
    assert [e["field"] for e in response.json()["errors"]] == ["rows[4].rate"]
    assert world.get("/fx-rates", date="2026-02-09").json()["items"][-1]["rate"] == "1.25"


def test_json_rates_must_be_strings(world: World) -> None:
    body = '[{"base_currency":"EUR","quote_currency":"GBP","rate_date":"2026-02-09","rate":0.85}]'
    response = world.send(body, kind="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("rows[1].")


def test_agents_and_auditors_may_not_import_rates(world: World) -> None:
    assert world.send(RATES, caller="agent").status_code == 403
    assert world.send(RATES, caller="auditor").status_code == 403


def test_aging_totals_every_currency_in_the_reporting_currency_naming_the_rate_date(
    world: World,
) -> None:
    plain = world.get("/aging", by="currency", as_of="2026-02-10").json()
    report = world.get("/aging", by="currency", as_of="2026-02-10",
                       reporting_currency="EUR").json()
    assert report["rows"] == plain["rows"] and plain["reporting_total"] is None
    assert report["reporting_total"] == {
        "currency": "EUR", "total": "6037.50", "complete": True, "currencies": [
            {"currency": "JPY", "total": "70000", "converted": "437.50",
             "rate_date": "2026-02-09"},
            {"currency": "USD", "total": "7000.00", "converted": "5600.00",
             "rate_date": "2026-02-09"},
        ]}


def test_a_currency_without_a_rate_leaves_the_total_incomplete(world: World) -> None:
    report = world.get("/aging", as_of="2026-02-08", reporting_currency="EUR").json()
    assert report["reporting_total"]["complete"] is False
    assert report["reporting_total"]["total"] == "0.00"
    assert world.get("/aging", reporting_currency="XYZ").status_code == 422


def test_the_dashboard_shows_the_portfolio_total_in_the_reporting_currency(
    world: World,
) -> None:
    models = world.app.state.read_models
    models.reporting = reporting_for("EUR", fx_rates_of(models))
    try:
        client = TestClient(world.app, base_url="http://127.0.0.1")
        form = client.get("/app/sign-in")
        client.post("/app/sign-in", data={"api_key": world.keys["manager"],
                                          "csrf_token": token_in(form)})
        page = client.get("/app/dashboard", params={"as_of": "2026-02-10"})
    finally:
        models.reporting = reporting_for(None, fx_rates_of(models))
    assert page.status_code == 200
    shown = page.text.split('id="reporting-total">')[1].split("</p>")[0]
    assert "EUR" in shown and "6,037.50" in shown and "2026-02-09" in shown


def test_an_unknown_reporting_currency_is_the_ledgers_refusal_not_a_malformed_request(
    world: World,
) -> None:
    """The contract declares three capital letters; which of them name a currency is the
    ledger's rule (schemathesis took the old query-validation 422 for a broken promise)."""
    response = world.get("/aging", reporting_currency="XQQ")
    assert response.status_code == 422
    assert not problem_type(response).endswith("validation-error")
