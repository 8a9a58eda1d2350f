"""A client nobody on this project wrote: Schemathesis reads the API's contract and throws
generated requests, valid and invalid, at every operation of the real server.

It holds the API to that contract: never a 5xx, every status documented, every body of
the documented content type and shape. Examples per operation are bounded and the seed
is fixed, so a run is reproducible and takes under a minute on two cores.

The contract fuzzed is the committed ``openapi.json``, loaded at collection time so each
operation is its own test; the test below it proves the server serves exactly that file.
(Loading from the server's URL needs ``schemathesis.pytest.from_fixture``, whose
subtests do not work with pytest 9.2 in schemathesis 4.32.)
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.openapi_export import COMMITTED, rendered
from tests.e2e.live_server import LiveServer, colledger, create_key

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
DEMO_ACCOUNTS = ["ACC-00001", "ACC-00002", "ACC-00003"]
MAX_EXAMPLES = 10
SEED = 20260630

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    # Mostly the demo's accounts, so writes reach the domain rules and not only 404s.
    "dictionaries": {"accounts": {"values": DEMO_ACCOUNTS}},
    "parameters": {
        "path.account": {"dictionary": "accounts", "probability": 0.8},
        # A position past the log's end makes a read wait out its timeout before its 503:
        # documented, tested in the unit tests, and too slow to fuzz.
        "query.wait_for": 0,
    },
    "generation": {"max-examples": MAX_EXAMPLES},
    "phases": {"stateful": {"enabled": False}},
})
schema = schemathesis.openapi.from_path(COMMITTED, config=CONFIG)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'ledger.db'}"
    colledger(url, "demo", "--accounts", "3", "--months", "2", "--end", "2026-06-30")
    return url


@pytest.fixture(scope="module")
def manager_key(database_url: str) -> str:
    return create_key(database_url, "manager", "qa")


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(database_url, tmp_path_factory.mktemp("server") / "server.log") as live:
        yield live
    assert live.stopped_cleanly(), live.log()


def test_the_server_serves_the_committed_contract(server: LiveServer) -> None:
    served = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    assert rendered(served) == COMMITTED.read_text(encoding="utf-8"), "run make openapi"


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_contract(
    case: schemathesis.Case, server: LiveServer, manager_key: str
) -> None:
    case.call_and_validate(base_url=server.base_url, headers={"X-API-Key": manager_key},
                           checks=CHECKS)
