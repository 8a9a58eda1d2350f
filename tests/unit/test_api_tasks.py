"""Tasks over HTTP: created, completed and refused as the roles say; read by owner, by
account and overdue; the tick's tasks among them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledger.commands.collections import MakePromise
from ledger.commands.tasks import CreateTask
from tests.builders import AGENT
from tests.unit.api_world import TODAY, ApiWorld, problem_type


@pytest.fixture
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def get(api: ApiWorld, path: str, caller: str = "manager") -> Any:
    api.app.state.read_models.catch_up()
    response = api.client.get(path, headers={"X-API-Key": api.keys[caller]})
    assert response.status_code == 200, response.text
    return response.json()


def task_ids(answer: Any) -> list[str]:
    return [t["task_id"] for t in answer["items"]]


def test_an_agent_creates_and_completes_a_task_on_their_account(api: ApiWorld) -> None:
    number = api.debtor()
    created = api.post(f"/accounts/{number}/tasks", {
        "task_id": "TSK-1", "kind": "callback", "due_date": "2026-02-11", "due_time": "09:30",
        "note": "ask for the remittance"}, "agent")
    assert created.status_code == 201, created.text

    (task,) = get(api, "/tasks", "agent")["items"]
    assert (task["account"], task["owner"], task["due_time"], task["overdue"]) == (
        number, "agent-1", "09:30", False)

    done = api.post(f"/accounts/{number}/task-completions", {"task_id": "TSK-1"}, "agent")
    assert done.status_code == 201, done.text
    again = api.post(f"/accounts/{number}/task-completions", {"task_id": "TSK-1"}, "agent")
    assert (again.status_code, problem_type(again)) == (409, "task-not-open")
    assert get(api, "/tasks", "agent")["items"] == []
    assert [t["status"] for t in get(api, f"/accounts/{number}/tasks")["items"]] == [
        "completed"]


def test_an_agent_may_not_touch_tasks_on_another_agents_account(api: ApiWorld) -> None:
    theirs = api.debtor(agent="agent-2")

    refused = api.post(f"/accounts/{theirs}/tasks", {
        "task_id": "TSK-1", "kind": "review", "due_date": "2026-02-11"}, "agent")

    assert (refused.status_code, problem_type(refused)) == (403, "forbidden")
    assert api.client.get(f"/accounts/{theirs}/tasks",
                          headers={"X-API-Key": api.keys["agent"]}).status_code == 403
    assert api.client.get("/tasks?owner=agent-2",
                          headers={"X-API-Key": api.keys["agent"]}).status_code == 403


def test_overdue_lists_only_open_tasks_due_before_the_day(api: ApiWorld) -> None:
    number = api.debtor(given=[
        CreateTask(account="X", task_id="TSK-OLD", kind="review", due_date=TODAY,
                   effective_on=TODAY),
        CreateTask(account="X", task_id="TSK-NEW", kind="review",
                   due_date=TODAY + timedelta(days=3), effective_on=TODAY)])

    later = TODAY + timedelta(days=1)
    assert task_ids(get(api, f"/tasks?overdue=true&on={later}")) == ["TSK-OLD"]
    assert task_ids(get(api, f"/tasks?owner=manager-2&on={later}")) == ["TSK-OLD", "TSK-NEW"]
    assert task_ids(get(api, f"/accounts/{number}/tasks")) == ["TSK-OLD", "TSK-NEW"]


def test_the_tick_raises_a_callback_the_day_before_a_promise_falls_due(
        api: ApiWorld) -> None:
    number = api.debtor()
    api.run(MakePromise(account=number, promise_id="PTP-1", amount=Decimal("500.00"),
                        currency="USD", due_date=TODAY + timedelta(days=1)), AGENT)

    for _ in range(2):
        ticked = api.post(f"/days/{TODAY}/tick", None, "manager")
        assert ticked.status_code < 300, ticked.text

    (task,) = get(api, "/tasks", "agent")["items"]
    assert (task["task_id"], task["rule"], task["kind"], task["due_date"]) == (
        "due:PTP-1", "promise-due-tomorrow", "callback", date.isoformat(TODAY))
