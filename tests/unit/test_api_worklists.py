"""Worklists over HTTP: a GET only reads; handing one out is a POST by the agent or a manager.

KPIs count the items of handed-out worklists the agent then worked, so a read that
stored a worklist would change what is measured. Each test gets its own world: one
debtor worked by agent-1 (see ``api_world``), today 10 February 2026, and agent-1
has already called it today without an answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.unit.api_catalogue import BY_NAME
from tests.unit.api_world import ApiWorld, problem_type

TODAY = "2026-02-10"


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.number = self.debtor(agent="agent-1")
        contact = BY_NAME["RecordContact"]
        call = {**contact.body, "outcome": "no_answer"}  # a conversation would exclude it
        assert self.post(contact.url(self.number), call, "agent").status_code == 201
        self.app.state.read_models.catch_up()

    def get(self, path: str, caller: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers={"X-API-Key": self.keys[caller]})

    def stored_rows(self) -> list[tuple[Any, ...]]:
        models = self.app.state.read_models
        table = models.worklist_items
        return models.read(lambda s: [tuple(r) for r in s.execute(select(table))])

    def items_cleared(self) -> int:
        kpis = self.get("/kpis", "manager", agent="agent-1", **{"from": TODAY, "to": TODAY})
        [agent] = kpis.json()["agents"]
        return int(agent["worklist_items_cleared"])

    def count(self) -> int:
        models = self.app.state.read_models
        table = models.worklist_items
        return int(models.read(
            lambda s: s.execute(select(func.count()).select_from(table)).scalar_one()))


@pytest.fixture
def world() -> Iterator[World]:
    yield World()


def accounts(response: httpx.Response) -> list[str]:
    return [item["account"] for item in response.json()["items"]]


def test_gets_by_the_auditor_and_the_agent_store_nothing_and_leave_kpis_alone(
    world: World,
) -> None:
    before = (world.stored_rows(), world.items_cleared())

    previews = [world.get("/worklists/agent-1", caller, on=TODAY, preview="true")
                for caller in ("auditor", "agent", "manager")]
    plain = [world.get("/worklists/agent-1", caller, on=TODAY)
             for caller in ("auditor", "agent")]

    assert [p.status_code for p in previews] == [200, 200, 200]
    assert all(accounts(p) == [world.number] for p in previews)
    assert [p.status_code for p in plain] == [404, 404]
    assert (world.stored_rows(), world.items_cleared()) == before == ([], 0)


def test_the_agents_post_hands_out_what_the_kpis_then_count(world: World) -> None:
    handed = world.post(f"/worklists/agent-1?on={TODAY}", None, "agent")

    assert handed.status_code == 201, handed.text
    assert handed.headers["Location"] == f"/worklists/agent-1?on={TODAY}"
    assert accounts(handed) == [world.number]
    assert world.count() == 1 and world.items_cleared() == 1
    read = world.get("/worklists/agent-1", "auditor", on=TODAY)
    assert read.status_code == 200 and read.json() == handed.json()


def test_a_manager_hands_out_any_agents_worklist(world: World) -> None:
    handed = world.post(f"/worklists/agent-1?on={TODAY}", None, "manager")

    assert handed.status_code == 201 and accounts(handed) == [world.number]
    assert world.count() == 1


@pytest.mark.parametrize("caller", ["auditor", "compliance", "service", "admin",
                                    "other agent"])
def test_nobody_else_hands_out_a_worklist(world: World, caller: str) -> None:
    refused = world.post(f"/worklists/agent-1?on={TODAY}", None, caller)

    assert refused.status_code == 403, refused.text
    assert problem_type(refused) == "forbidden"
    assert world.count() == 0


def test_a_worklist_never_handed_out_is_404_and_says_how_to_get_one(world: World) -> None:
    missing = world.get("/worklists/agent-9", "manager", on=TODAY)

    assert missing.status_code == 404 and problem_type(missing) == "not-found"
    assert "POST /worklists/agent-9" in missing.json()["detail"]


@pytest.mark.parametrize("preview", ["true", "false"])
def test_an_agent_may_not_read_another_agents_worklist(world: World, preview: str) -> None:
    response = world.get("/worklists/agent-2", "agent", on=TODAY, preview=preview)

    assert response.status_code == 403
