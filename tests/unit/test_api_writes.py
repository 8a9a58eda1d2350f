"""Write endpoints over HTTP: each one works, and says who wrote it and why.

Every command of the ledger but the scheduler's daily tick has a route; a write
returns the new version (``ETag``) and log position, records the caller's actor
and role and the request's correlation id in the event envelope, and an
``Idempotency-Key`` makes a retry safe.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.commands.registry import COMMANDS
from tests.unit.api_catalogue import BY_NAME, WRITES, Write, ids
from tests.unit.api_world import CALLERS, ApiWorld, problem_type


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def test_every_command_but_the_system_steps_has_a_write_endpoint(api: ApiWorld) -> None:
    routes = {
        operation["operationId"]: (path, method)
        for path, methods in api.app.openapi()["paths"].items()
        for method, operation in methods.items()
    }

    system = {"ProcessDay", "RecordNoticeDelivery"}  # the tick, the notices' delivery
    assert set(COMMANDS) - {w.name for w in WRITES} == system
    assert not system & set(routes)
    assert {w.name: (w.path, "post") for w in WRITES} == {
        name: routes[name] for name in (w.name for w in WRITES)
    }


def test_every_write_body_has_an_example(api: ApiWorld) -> None:
    paths = api.app.openapi()["paths"]
    schemas = api.app.openapi()["components"]["schemas"]

    for write in WRITES:
        reference = paths[write.path]["post"]["requestBody"]["content"]["application/json"]
        schema = schemas[reference["schema"]["$ref"].rsplit("/", 1)[1]]
        assert schema["examples"], write.name
        assert "command_id" not in schema["properties"], write.name


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_write_records_its_events_with_the_callers_actor_role_and_correlation(
    api: ApiWorld, write: Write
) -> None:
    number = api.prepared(write)
    before = api.version(number) if not write.opens_account else 0

    response = api.post(write.url(number), write.body_for(number), write.caller, {
        "Idempotency-Key": f"k-{write.name}", "X-Correlation-Id": f"corr-{write.name}",
    })

    assert response.status_code == 201, response.text
    body = response.json()
    role, actor_id = CALLERS[write.caller]
    written = api.history(number)[before:]
    assert [e["type"] for e in written] == list(write.events)
    assert body["events"] == list(write.events)
    assert (body["account"], body["version"]) == (number, len(written) + before)
    assert "Idempotent-Replayed" not in response.headers
    assert response.headers["ETag"] == f'"v{body["version"]}"'
    assert int(response.headers["X-Ledger-Position"]) == body["position"] == api.position()
    assert response.headers["X-Correlation-Id"] == f"corr-{write.name}"
    assert {(e["actor_id"], e["actor_role"], e["correlation_id"], e["command_id"])
            for e in written} == {(actor_id, role, f"corr-{write.name}",
                                   f"{actor_id}:k-{write.name}")}


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_retry_with_the_same_idempotency_key_returns_the_original_response_and_writes_nothing(
    api: ApiWorld, write: Write
) -> None:
    number = api.prepared(write)
    key = {"Idempotency-Key": f"retry-{write.name}"}
    first = api.post(write.url(number), write.body_for(number), write.caller, key)
    position = api.position()

    again = api.post(write.url(number), write.body_for(number), write.caller, key)

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers.get("X-Ledger-Position") == first.headers.get("X-Ledger-Position")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert api.position() == position


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_reusing_an_idempotency_key_for_another_body_is_a_conflict(
    api: ApiWorld, write: Write
) -> None:
    number = api.prepared(write)
    key = {"Idempotency-Key": f"reuse-{write.name}"}
    api.post(write.url(number), write.body_for(number), write.caller, key)
    position = api.position()

    dated_by = write.command.dated_by or "effective_on"
    other = api.post(write.url(number), write.body_for(number, **{dated_by: "2026-02-08"}),
                     write.caller, key)

    assert other.status_code == 409, other.text
    assert problem_type(other) == "idempotency-conflict"
    assert api.position() == position


def test_the_same_idempotency_key_from_two_callers_is_two_writes(api: ApiWorld) -> None:
    write = BY_NAME["MakePromise"]
    first, second = api.debtor(), api.debtor(agent="agent-2")
    key = {"Idempotency-Key": "shared-key"}

    mine = api.post(write.url(first), write.body, "agent", key)
    theirs = api.post(write.url(second), write.body, "other agent", key)

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["command_id"] != theirs.json()["command_id"]


def test_opening_an_account_points_to_it(api: ApiWorld) -> None:
    write = BY_NAME["OpenAccount"]
    number = api.new_number()

    response = api.post(write.path, write.body_for(number), "manager")

    assert response.status_code == 201
    assert response.headers["Location"] == f"/accounts/{number}"
    assert api.service.account(number).name == "Northwind Traders Ltd"


def test_write_without_correlation_id_is_given_one_that_lands_in_its_events(
    api: ApiWorld,
) -> None:
    write = BY_NAME["PlaceCreditHold"]
    number = api.debtor()

    response = api.post(write.url(number), write.body, "manager")

    correlation = response.headers["X-Correlation-Id"]
    assert len(correlation) >= 32
    assert api.history(number)[-1]["correlation_id"] == correlation


def test_write_with_the_current_etag_succeeds_and_returns_the_next(api: ApiWorld) -> None:
    write = BY_NAME["ChangeTerms"]
    number = api.debtor()
    version = api.version(number)

    response = api.post(write.url(number), write.body, "manager", {"If-Match": f'"v{version}"'})

    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == f'"v{version + 1}"'
    assert api.service.account(number).terms_days == 45


def test_writes_of_one_story_chain_their_etags(api: ApiWorld) -> None:
    number = api.debtor()
    promise, contact = BY_NAME["MakePromise"], BY_NAME["RecordContact"]

    made = api.post(promise.url(number), promise.body, "agent")
    called = api.post(contact.url(number), contact.body, "agent",
                      {"If-Match": made.headers["ETag"]})

    assert called.status_code == 201, called.text
    assert [e["type"] for e in api.history(number)][-2:] == ["PromiseToPayMade",
                                                             "ContactAttempted"]
    assert api.service.account(number).open_promise() is not None
