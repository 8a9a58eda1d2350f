"""The approvals queue: the query over the activity read model and ``GET /approvals``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from ledger.commands.base import SYSTEM
from ledger.commands.collections import (
    AgreeSettlement,
    DecideWriteOff,
    ProcessDay,
    RequestWriteOff,
)
from tests.builders import MANAGER, OTHER_MANAGER
from tests.unit.api_world import ApiWorld, problem_type


@pytest.fixture(scope="module")
def world() -> Iterator[ApiWorld]:
    yield ApiWorld()


def request_write_off(world: ApiWorld, number: str, request_id: str,
                      on: str | None = None) -> None:
    dated = {"effective_on": on} if on else {}
    response = world.post(f"/accounts/{number}/write-off-requests", {
        "request_id": request_id, "invoice_id": "INV-2", "amount": "1500.00",
        "reason": "debtor in insolvency proceedings", **dated,
    })
    assert response.status_code in (200, 201), response.text


def listed(world: ApiWorld, caller: str = "manager") -> list[dict[str, object]]:
    world.app.state.read_models.catch_up()  # this world's app does not follow the log
    response = world.client.get("/approvals", headers={"X-API-Key": world.keys[caller]})
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_a_pending_write_off_request_is_listed_with_who_asked_when_and_why(
    world: ApiWorld,
) -> None:
    number = world.debtor()
    request_write_off(world, number, "WOR-LISTED")

    [item] = [i for i in listed(world) if i["request_id"] == "WOR-LISTED"]

    assert item == {
        "kind": "write-off", "request_id": "WOR-LISTED", "account": number,
        "account_name": item["account_name"], "invoice_id": "INV-2", "amount": "1500.00",
        "currency": "USD", "reason": "debtor in insolvency proceedings",
        "requested_by": "manager-1", "requested_on": "2026-02-10", "age_days": 0,
        "due_by": None,
    }


def test_a_settlement_waiting_for_approval_is_listed_and_a_decided_request_is_not(
    world: ApiWorld,
) -> None:
    number = world.debtor()
    world.run(AgreeSettlement(account=number, settlement_id="STL-WAIT", amount=Decimal("1000"),
                              currency="USD", due_by=date(2026, 3, 1)), MANAGER)
    world.run(RequestWriteOff(account=number, request_id="WOR-DONE", invoice_id="INV-2",
                              amount=Decimal("1500.00"), reason="uncollectable"), MANAGER)
    world.run(DecideWriteOff(account=number, request_id="WOR-DONE", approve=True),
              OTHER_MANAGER)

    mine = {i["request_id"]: i for i in listed(world) if i["account"] == number}

    assert set(mine) == {"STL-WAIT"}
    assert mine["STL-WAIT"]["kind"] == "settlement"
    assert mine["STL-WAIT"]["due_by"] == "2026-03-01"
    assert mine["STL-WAIT"]["requested_by"] == "manager-1"


def test_requests_are_listed_oldest_first(world: ApiWorld) -> None:
    older, newer = world.debtor(), world.debtor()
    request_write_off(world, older, "WOR-NEW")
    request_write_off(world, newer, "WOR-OLD", on="2026-02-02")

    ids = [i["request_id"] for i in listed(world)]

    assert ids.index("WOR-OLD") < ids.index("WOR-NEW")
    assert next(i for i in listed(world) if i["request_id"] == "WOR-OLD")["age_days"] == 8


@pytest.mark.parametrize("caller", ["agent", "auditor", "compliance", "service", "admin"])
def test_only_those_who_may_decide_read_the_queue(world: ApiWorld, caller: str) -> None:
    response = world.client.get("/approvals", headers={"X-API-Key": world.keys[caller]})

    assert response.status_code == 403
    assert problem_type(response) == "forbidden"


def test_the_read_model_query_returns_the_requests_oldest_first(world: ApiWorld) -> None:
    number = world.debtor()
    request_write_off(world, number, "WOR-QUERY")
    models = world.app.state.read_models
    models.catch_up()

    pending = models.approvals()

    assert [p.requested_on for p in pending] == sorted(p.requested_on for p in pending)
    found = next(p for p in pending if p.request_id == "WOR-QUERY")
    assert (found.account, found.amount, found.currency) == (number, Decimal("1500.00"), "USD")


def test_a_request_undecided_past_the_limit_expires_on_the_tick_and_leaves_the_queue(
    world: ApiWorld,
) -> None:
    number = world.debtor()
    request_write_off(world, number, "WOR-STALE", on="2026-01-26")  # 15 days before today
    request_write_off(world, number, "WOR-FRESH", on="2026-01-28")  # 13 days
    world.run(ProcessDay(account=number, day=date(2026, 2, 10)), SYSTEM)

    ages = {i["request_id"]: i["age_days"] for i in listed(world) if i["account"] == number}

    assert ages == {"WOR-FRESH": 13}
    assert [e["type"] for e in world.history(number)].count("WriteOffRequestExpired") == 1
    refused = world.post(f"/accounts/{number}/write-off-decisions",
                         {"request_id": "WOR-STALE", "approve": True})
    assert refused.status_code == 409, refused.text
    assert problem_type(refused) == "request-not-pending"
