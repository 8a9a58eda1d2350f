"""Over HTTP, a quarantined account is left out of portfolio reads (which say so), refused
by reads of that account, visible to operators, and visible within one poll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from tests.earlier_release import HUGE, invoice_from_earlier_release
from tests.unit.api_world import ApiWorld, problem_type

PERIOD = {"from": "2026-01-01", "to": "2026-02-10"}


class World:
    """Two debtors of agent-1 (3500.00 each); the first also got a 10^23 invoice from an
    earlier release, stored before the second was opened."""

    def __init__(self) -> None:
        self.api = ApiWorld()
        self.bad = self.api.debtor()
        self.position = invoice_from_earlier_release(self.api.service, self.bad, "INV-BIG", HUGE)
        self.good = self.api.debtor()
        self.api.app.state.read_models.catch_up()

    def get(self, path: str, caller: str | None = "manager", **params: str) -> dict:  # type: ignore[type-arg]
        headers = {"X-API-Key": self.api.keys[caller]} if caller else {}
        response = self.api.client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


def test_aging_leaves_the_account_out_of_every_total_and_names_it(world: World) -> None:
    by_account = world.get("/aging", as_of="2026-02-10")
    portfolio = world.get("/aging", as_of="2026-02-10", by="portfolio")

    assert [row["key"] for row in by_account["rows"]] == [world.good]
    assert [row["total"] for row in portfolio["rows"]] == ["3500.00"]
    for report in (by_account, portfolio):
        assert report["quarantined_accounts"] == [world.bad]
        assert report["note"] == "excluding 1 quarantined account"


def test_an_aging_export_names_what_it_left_out_in_a_header(world: World) -> None:
    response = world.api.client.get("/aging", params={"format": "csv"},
                                    headers={"X-API-Key": world.api.keys["manager"]})

    assert response.status_code == 200
    assert response.headers["X-Quarantined-Accounts"] == world.bad
    assert world.bad not in response.text


def test_kpis_and_worklists_leave_the_account_out_and_say_so(world: World) -> None:
    kpis = world.get("/kpis", **PERIOD)
    preview = world.get("/worklists/agent-1", caller="agent", preview="true")
    handed_out = world.api.post("/worklists/agent-1", None, caller="agent")
    stored = world.get("/worklists/agent-1", caller="agent")

    assert [c["ending_ar"] for c in kpis["currencies"]] == ["3500.00"]
    assert kpis["quarantined_accounts"] == [world.bad]
    assert handed_out.status_code == 201
    for worklist in (preview, handed_out.json(), stored):
        assert [item["account"] for item in worklist["items"]] == [world.good]
        assert worklist["quarantined_accounts"] == [world.bad]
        assert worklist["note"] == "excluding 1 quarantined account"


def test_reads_of_the_quarantined_account_are_refused_rather_than_wrong(world: World) -> None:
    key = {"X-API-Key": world.api.keys["manager"]}
    statement = world.api.client.get(f"/accounts/{world.bad}/statement", params=PERIOD,
                                     headers=key)
    good = world.api.client.get(f"/accounts/{world.good}/statement", params=PERIOD, headers=key)

    assert statement.status_code == 409
    assert problem_type(statement) == "account-quarantined"
    assert world.bad in statement.json()["detail"]
    assert good.status_code == 200


def test_readyz_says_degraded_with_projection_and_position_but_no_account(world: World) -> None:
    response = world.api.client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["quarantined"] == [
        {"projection": "open_items", "accounts": 1, "first_position": world.position}]
    assert world.bad not in response.text
    assert "INV-BIG" not in response.text


def test_metrics_count_quarantined_accounts_per_projection(world: World) -> None:
    world.api.client.get("/metrics")

    def gauge(projection: str) -> float | None:
        return REGISTRY.get_sample_value("colledger_projection_quarantined_accounts",
                                         {"projection": projection})

    assert (gauge("open_items"), gauge("activity"), gauge("history")) == (1.0, 0.0, 0.0)


@pytest.mark.parametrize("caller", ["admin", "manager", "auditor"])
def test_operators_see_account_version_type_error_position_and_lag(
    world: World, caller: str
) -> None:
    status = world.get("/operations/status", caller=caller)

    assert status["degraded"] is True
    assert {p["name"]: (p["lag"], p["quarantined_accounts"]) for p in status["projections"]} \
        == {"open_items": (0, 1), "activity": (0, 0), "history": (0, 0), "cash": (0, 0)}
    [held] = status["quarantines"]
    assert (held["projection"], held["account"], held["version"], held["event_type"]) == (
        "open_items", world.bad, 5, "InvoiceIssued")
    assert held["position"] == world.position and held["skipped"] == 1
    assert held["error_class"] == "OverflowError" and "too large" in held["error"]


@pytest.mark.parametrize("caller", ["agent", "service", "compliance"])
def test_status_is_for_operators_only(world: World, caller: str) -> None:
    response = world.api.client.get("/operations/status",
                                    headers={"X-API-Key": world.api.keys[caller]})

    assert response.status_code == 403


def test_an_account_rebuild_reports_what_still_fails_and_who_may_ask(world: World) -> None:
    path = f"/operations/accounts/{world.bad}/rebuild"

    refused = world.api.post(path, None, caller="auditor")
    rebuilt = world.api.post(path, None, caller="manager")

    assert refused.status_code == 403
    assert rebuilt.status_code == 200
    outcome = {p["projection"]: p for p in rebuilt.json()["projections"]}
    assert outcome["open_items"]["still"]["error_class"] == "OverflowError"
    assert not outcome["open_items"]["lifted"]
    assert outcome["history"]["events"] == 5 and outcome["history"]["still"] is None


def test_an_account_history_the_history_model_quarantined_is_refused() -> None:
    api = ApiWorld()
    number = api.debtor()
    with api.service.app.datastore.transaction(commit=True) as session:
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": b"{not json", "id": api.position()})
    api.app.state.read_models.catch_up()

    response = api.client.get(f"/accounts/{number}/history",
                              headers={"X-API-Key": api.keys["auditor"]})

    assert response.status_code == 409
    assert problem_type(response) == "account-quarantined"
    assert "history" in response.json()["detail"]


def test_the_account_view_of_a_quarantined_account_is_refused_rather_than_wrong(
    world: World,
) -> None:
    """The view is made of the read models (before, it replayed the events and showed the
    10^23 invoice no read model can hold): its figures there stop at the event that
    failed, so it is refused like the statement, naming the read model."""
    key = {"X-API-Key": world.api.keys["manager"]}
    bad = world.api.client.get(f"/accounts/{world.bad}", params={"as_of": "2026-02-10"},
                               headers=key)
    good = world.get(f"/accounts/{world.good}", as_of="2026-02-10")

    assert bad.status_code == 409
    assert problem_type(bad) == "account-quarantined"
    assert "open_items" in bad.json()["detail"]
    assert good["totals"]["USD"]["outstanding"] == "3500.00"
    assert good["quarantined_in"] == []
