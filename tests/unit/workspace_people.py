"""One app, and a browser signed in to it per person: what the workspace page tests share.

``people`` maps the name a test uses to (role, actor id); the first person's client runs
the app's lifespan (its follower), the others share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient

from ledger.service import LedgerService
from tests.unit.test_workspace_session import token_in

BASE_URL = "http://127.0.0.1"


@dataclass
class Workspace:
    service: LedgerService
    clients: dict[str, TestClient] = field(default_factory=dict)

    def as_(self, name: str) -> TestClient:
        return self.clients[name]


@contextmanager
def people_signed_in(app: FastAPI, service: LedgerService,
                     people: dict[str, tuple[str, str]]) -> Iterator[Workspace]:
    keys = {name: app.state.keys.create(role, actor)[1] for name, (role, actor) in people.items()}
    world = Workspace(service)
    first_name = next(iter(people))
    with TestClient(app, base_url=BASE_URL) as first:
        for name in people:
            client = first if name == first_name else TestClient(app, base_url=BASE_URL)
            client.post("/app/sign-in", data={
                "api_key": keys[name], "csrf_token": token_in(client.get("/app/sign-in"))})
            world.clients[name] = client
        yield world
