"""Admins racing on a real PostgreSQL server: the role binding of an actor id still holds.

Each racer is a process's worth of its own: a service, engine and key store. They all
load the grants stream at once, so all but one save a stale version, are refused by
the store and retry on the stream as the winner left it, where the binding refuses them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier

import pytest

from api.keys import KeyStore
from ledger.aggregates.access_grants import ActorBoundToRole
from ledger.audit.grant_records import grant_history
from tests.builders import make_service
from tests.support.reliability import RecordFigures

pytestmark = pytest.mark.postgres

RACERS = ("manager", "auditor", "compliance", "service")


def issue(database_url: str, start: Barrier, role: str) -> str:
    service, _ = make_service(database_url)
    keys = KeyStore(service.app)
    try:
        start.wait()
        keys.create(role, "contested-1")
        return role
    except ActorBoundToRole:
        return "refused"
    finally:
        service.app.close()
        service.app.datastore.engine.dispose()


def test_racing_grants_of_different_roles_bind_the_actor_id_to_one_of_them(
    postgres_database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(postgres_database_url)
    KeyStore(service.app)
    start = Barrier(len(RACERS))

    with ThreadPoolExecutor(len(RACERS)) as pool:
        outcomes = list(pool.map(partial(issue, postgres_database_url, start), RACERS))

    record_figures({"admins granting one actor id different roles at once": len(RACERS),
                    "grants that won": len(outcomes) - outcomes.count("refused")})
    [granted] = [o for o in outcomes if o != "refused"]
    assert outcomes.count("refused") == len(RACERS) - 1
    keys = KeyStore(service.app).listing()
    assert [(k["actor_id"], k["role"]) for k in keys] == [("contested-1", granted)]
    grants, broken = grant_history(service.app)
    assert broken is None
    assert [(g.event, g.holder_id, g.holder_role) for g in grants] == [
        ("ApiKeyIssued", "contested-1", granted)]
    service.app.datastore.engine.dispose()
