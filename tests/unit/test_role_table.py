"""The README's table of who may call what, held against the code: each cell is a request.

``yes``: the role is served (whatever the answer, it is not 401 or 403); ``—``: 403;
``own``: an agent is served for their own account or worklist and refused another
agent's. The table must name every endpoint that needs a key and carries no command
(the writes of commands are held to the role table by ``test_api_roles``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.reliability import RecordFigures
from tests.unit.api_catalogue import CALLS, WRITES, Call
from tests.unit.api_world import ApiWorld, problem_type

README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("agent", "manager", "auditor", "compliance", "service", "admin", "cashier")
HEADER = "| endpoint | " + " | ".join(ROLES) + " |"
ENDPOINT = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)")


def readme_table() -> dict[tuple[str, str], dict[str, str]]:
    """(method, route) -> role -> cell, from the README's table of who may call what."""
    lines = README.read_text(encoding="utf-8").splitlines()
    table: dict[tuple[str, str], dict[str, str]] = {}
    for line in lines[lines.index(HEADER) + 2:]:
        if not line.startswith("|"):
            break
        label, *cells = (cell.strip() for cell in line.strip().strip("|").split("|"))
        for endpoint in ENDPOINT.findall(label):
            table[endpoint] = dict(zip(ROLES, cells, strict=True))
    return table


TABLE = readme_table()
CELLS = [(endpoint, role, cell) for endpoint, row in TABLE.items() for role, cell in row.items()]


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.mine, self.theirs = self.debtor(agent="agent-1"), self.debtor(agent="agent-2")
        self.app.state.read_models.catch_up()

    def call(self, call: Call, role: str, other_agent: bool = False) -> httpx.Response:
        url, body = call.request(self.mine, self.theirs, other_agent)
        return self.client.request(call.method, url, json=body,
                                   headers={"X-API-Key": self.keys[role]})


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


@pytest.mark.parametrize(("endpoint", "role", "cell"), CELLS,
                         ids=[f"{m} {r} by {role}" for (m, r), role, _ in CELLS])
def test_each_role_may_call_what_the_readme_table_says(
    world: World, endpoint: tuple[str, str], role: str, cell: str, record_figures: RecordFigures
) -> None:
    call = CALLS[endpoint]

    response = world.call(call, role)

    record_figures({"README table cells checked": 1,
                    "README table cells refused (403)": int(response.status_code == 403)})
    assert cell in ("yes", "own", "—") and (cell != "own" or role == "agent")
    if cell == "—":
        assert response.status_code == 403, response.text
        assert problem_type(response) == "forbidden"
    else:
        assert response.status_code not in (401, 403) and response.status_code < 500, (
            response.text)
    if cell == "own" and call.agents_own:
        assert world.call(call, role, other_agent=True).status_code == 403


def test_the_table_names_every_endpoint_that_needs_a_key_and_is_no_command(
    world: World,
) -> None:
    keyed = {
        (method.upper(), route)
        for route, operations in world.app.openapi()["paths"].items()
        for method, operation in operations.items()
        if any(p["in"] == "header" and p["name"].lower() == "x-api-key"
               for p in operation.get("parameters", []))
    }
    commands = {("POST", write.path) for write in WRITES}

    assert set(TABLE) == keyed - commands
    assert set(CALLS) == set(TABLE)
