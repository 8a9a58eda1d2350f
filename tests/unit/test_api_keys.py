"""API keys: an admin makes, lists and revokes them, over HTTP or from the terminal.

A key is shown once; listings never carry a secret; a revoked key stops working at
once but stays listed, so the trail can always say whose key wrote what. Every
key issued or revoked is a grant on the ledger naming who granted it, and an
actor id keeps the role of its first key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from api.keys import ROLES, KeyStore, digest
from api.schemas.keys import Role
from colledger.main import main
from ledger.aggregates.access_grants import ACCESS_GRANTS_ID
from ledger.audit.verification import verify_ledger
from tests.builders import make_service
from tests.unit.api_catalogue import BY_NAME
from tests.unit.api_world import ApiWorld, problem_type


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def admin(api: ApiWorld) -> dict[str, str]:
    return {"X-API-Key": api.keys["admin"]}


def test_a_key_made_by_the_admin_writes_as_its_actor_and_role(api: ApiWorld) -> None:
    made = api.client.post("/keys", json={"role": "agent", "actor_id": "agent-7"},
                           headers=admin(api))
    number = api.debtor(agent="agent-7")
    promise = BY_NAME["MakePromise"]

    written = api.client.post(promise.url(number), json=promise.body,
                              headers={"X-API-Key": made.json()["key"]})

    assert made.status_code == 201
    assert made.json()["role"] == "agent" and made.json()["key"].startswith("clk_")
    assert written.status_code == 201, written.text
    last = api.history(number)[-1]
    assert (last["actor_id"], last["actor_role"]) == ("agent-7", "agent")


def test_listing_shows_every_key_without_its_secret(api: ApiWorld) -> None:
    made = api.client.post("/keys", json={"role": "auditor", "actor_id": "auditor-7"},
                           headers=admin(api)).json()

    listed = api.client.get("/keys", headers=admin(api))

    assert listed.status_code == 200
    rows = {row["key_id"]: row for row in listed.json()}
    assert rows[made["key_id"]] == {
        "key_id": made["key_id"], "role": "auditor", "actor_id": "auditor-7",
        "created_at": rows[made["key_id"]]["created_at"], "revoked_at": None,
        "granted_by": {"actor_id": "admin-1", "role": "admin"}, "revoked_by": None,
    }
    assert rows[made["key_id"]]["created_at"].endswith("Z")
    assert made["key"] not in listed.text and "hash" not in listed.text


def test_a_revoked_key_stops_working_and_stays_listed(api: ApiWorld) -> None:
    made = api.client.post("/keys", json={"role": "manager", "actor_id": "manager-7"},
                           headers=admin(api)).json()
    hold = BY_NAME["PlaceCreditHold"]

    revoked = api.client.delete(f"/keys/{made['key_id']}", headers=admin(api))
    refused = api.client.post(hold.url(api.debtor()), json=hold.body,
                              headers={"X-API-Key": made["key"]})

    assert revoked.status_code == 204
    assert refused.status_code == 401
    listed = {r["key_id"]: r for r in api.client.get("/keys", headers=admin(api)).json()}
    assert listed[made["key_id"]]["revoked_at"] is not None
    assert listed[made["key_id"]]["revoked_by"] == {"actor_id": "admin-1", "role": "admin"}


def test_revoking_an_unknown_or_revoked_key_is_404(api: ApiWorld) -> None:
    key_id, _ = api.app.state.keys.create("service", "erp-2")
    api.client.delete(f"/keys/{key_id}", headers=admin(api))

    again = api.client.delete(f"/keys/{key_id}", headers=admin(api))
    unknown = api.client.delete("/keys/ffffffff", headers=admin(api))

    assert (again.status_code, unknown.status_code) == (404, 404)
    assert problem_type(unknown) == "not-found"


@pytest.mark.parametrize("body", [
    {"role": "superuser", "actor_id": "x"},
    {"role": "agent"},
    {"role": "agent", "actor_id": ""},
    {"role": "agent", "actor_id": "agent 7"},
    {"role": "agent", "actor_id": "agent-7", "key": "chosen-by-me"},
], ids=["unknown-role", "no-actor", "empty-actor", "actor-with-space", "own-key"])
def test_a_key_request_that_does_not_fit_the_schema_is_422(
    api: ApiWorld, body: dict[str, str]
) -> None:
    count = len(api.app.state.keys.listing())

    response = api.client.post("/keys", json=body, headers=admin(api))

    assert response.status_code == 422
    assert problem_type(response) == "validation-error"
    assert len(api.app.state.keys.listing()) == count


def grants(api: ApiWorld) -> list[dict[str, str]]:
    response = api.client.get("/keys/grants", headers={"X-API-Key": api.keys["auditor"]})
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.mark.parametrize(("actor_id", "role"), [
    ("manager-1", "auditor"), ("agent-1", "manager"), ("erp", "admin"),
    ("admin-1", "manager"),
], ids=["manager-as-auditor", "agent-as-manager", "service-as-admin", "admin-as-manager"])
def test_an_actor_id_keeps_the_role_of_its_first_key(
    api: ApiWorld, actor_id: str, role: str
) -> None:
    keys, history = api.app.state.keys.listing(), grants(api)

    refused = api.client.post("/keys", json={"role": role, "actor_id": actor_id},
                              headers=admin(api))

    assert refused.status_code == 409, refused.text
    assert problem_type(refused) == "actor-bound-to-role"
    assert actor_id in refused.json()["detail"]
    assert (api.app.state.keys.listing(), grants(api)) == (keys, history)


def test_a_second_key_of_the_same_role_is_issued_and_recorded(api: ApiWorld) -> None:
    made = api.client.post("/keys", json={"role": "manager", "actor_id": "manager-2"},
                           headers=admin(api))

    assert made.status_code == 201, made.text
    last = grants(api)[-1]
    assert (last["event"], last["key_id"], last["holder_id"], last["holder_role"]) == (
        "ApiKeyIssued", made.json()["key_id"], "manager-2", "manager")
    assert (last["by_actor_id"], last["by_role"]) == ("admin-1", "admin")


def test_issuing_and_revoking_are_recorded_with_who_when_and_the_correlation_id(
    api: ApiWorld,
) -> None:
    before = len(grants(api))
    made = api.client.post("/keys", json={"role": "compliance", "actor_id": "dpo-1"},
                           headers={**admin(api), "X-Correlation-Id": "onboard-dpo-1"}).json()
    api.client.delete(f"/keys/{made['key_id']}",
                      headers={**admin(api), "X-Correlation-Id": "offboard-dpo-1"})

    issued, revoked = grants(api)[before:]

    assert [(g["event"], g["key_id"], g["holder_id"], g["holder_role"], g["by_actor_id"],
             g["by_role"], g["correlation_id"]) for g in (issued, revoked)] == [
        ("ApiKeyIssued", made["key_id"], "dpo-1", "compliance", "admin-1", "admin",
         "onboard-dpo-1"),
        ("ApiKeyRevoked", made["key_id"], "dpo-1", "compliance", "admin-1", "admin",
         "offboard-dpo-1"),
    ]
    assert issued["recorded_at"] <= revoked["recorded_at"]
    stored = b"".join(bytes(e.state) for e in
                      api.service.app.recorder.select_events(ACCESS_GRANTS_ID))
    assert made["key"].encode() not in stored and digest(made["key"]).encode() not in stored


@pytest.mark.parametrize(("caller", "status"), [
    ("admin", 200), ("auditor", 200), ("compliance", 200), ("manager", 403), ("agent", 403),
    ("service", 403),
])
def test_the_grants_history_is_for_admins_auditors_and_compliance(
    api: ApiWorld, caller: str, status: int
) -> None:
    response = api.client.get("/keys/grants", headers={"X-API-Key": api.keys[caller]})

    assert response.status_code == status


def test_an_edited_grant_breaks_the_chain_and_verification_says_so() -> None:
    world = ApiWorld()
    record = world.service.app.events_record
    with world.service.app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(record.originator_id == ACCESS_GRANTS_ID,
                                           record.originator_version == 3).one()
        state = json.loads(bytes(row.state))
        state["holder_role"] = "manager"
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state).encode(), "id": row.id})

    report = verify_ledger(world.service.app)

    assert not report.ok
    assert [(b.account_id, b.version, b.kind) for b in report.breaks] == [
        ("access-grants", 3, "payload-changed")]
    assert len(grants(world)) == 2, "the history stops where the chain breaks"


def test_admin_manages_keys_without_a_key_is_401(api: ApiWorld) -> None:
    assert api.client.get("/keys").status_code == 401


def test_the_api_offers_exactly_the_roles_the_key_store_knows() -> None:
    assert Role.__args__ == ROLES  # type: ignore[attr-defined]


# The terminal: `colledger keys ...` on a store of its own.


@pytest.fixture
def store(tmp_path: Path) -> list[str]:
    return ["--database-url", f"sqlite:///{tmp_path / 'ledger.db'}"]


def test_cli_creates_an_agent_key_that_the_store_recognises(
    store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*store, "keys", "create", "--role", "agent", "--agent", "agent-7",
                 "--format", "json"])

    made = json.loads(capsys.readouterr().out)
    caller = store_of(tmp_path).caller(made["key"])
    assert code == 0
    assert caller is not None and (caller.role, caller.actor_id) == ("agent", "agent-7")


def test_cli_lists_keys_without_secrets_and_revokes_them(
    store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*store, "keys", "create", "--role", "service", "--actor", "erp", "--format", "json"])
    made = json.loads(capsys.readouterr().out)

    revoked = main([*store, "keys", "revoke", made["key_id"]])
    again = main([*store, "keys", "revoke", made["key_id"]])
    capsys.readouterr()
    main([*store, "keys", "list", "--format", "json"])
    listed = capsys.readouterr().out

    assert (revoked, again) == (0, 1)
    rows = [r for r in json.loads(listed) if r["key_id"] == made["key_id"]]
    assert rows[0]["actor_id"] == "erp" and rows[0]["revoked_at"] is not None
    assert rows[0]["granted_by"]["role"] == rows[0]["revoked_by"]["role"] == "console"
    assert made["key"] not in listed
    assert store_of(tmp_path).caller(made["key"]) is None


@pytest.mark.parametrize("args", [
    ["--role", "agent"],
    ["--role", "agent", "--agent", "a", "--actor", "b"],
    ["--role", "root", "--actor", "x"],
], ids=["nobody", "two-people", "unknown-role"])
def test_cli_refuses_a_key_for_nobody_or_an_unknown_role(
    store: list[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*store, "keys", "create", *args])

    assert exited.value.code == 2


def test_cli_needs_an_actor_id_for_every_role_and_says_so(
    store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as no_actor:
        main([*store, "keys", "create", "--role", "manager"])
    said = capsys.readouterr().err
    with pytest.raises(SystemExit) as agent_flag:
        main([*store, "keys", "create", "--role", "manager", "--agent", "manager-2"])

    assert (no_actor.value.code, agent_flag.value.code) == (2, 2)
    assert "an actor id is required: --actor ID" in said
    assert "--agent is for agent keys" in capsys.readouterr().err


def test_cli_grants_are_recorded_as_the_console_and_bind_the_role(
    store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*store, "keys", "create", "--role", "manager", "--actor", "manager-2",
                 "--format", "json"]) == 0
    made = json.loads(capsys.readouterr().out)

    refused = main([*store, "keys", "create", "--role", "auditor", "--actor", "manager-2"])
    error = capsys.readouterr().err
    main([*store, "keys", "revoke", made["key_id"]])
    capsys.readouterr()
    main([*store, "keys", "history", "--format", "json"])
    history = json.loads(capsys.readouterr().out)

    assert refused == 2 and "[actor-bound-to-role]" in error
    assert [(g["event"], g["key_id"], g["holder_id"], g["by_role"]) for g in history] == [
        ("ApiKeyIssued", made["key_id"], "manager-2", "console"),
        ("ApiKeyRevoked", made["key_id"], "manager-2", "console"),
    ]
    assert all(g["by_actor_id"].startswith("cli:") for g in history)


def store_of(tmp_path: Path) -> KeyStore:
    service, _ = make_service(f"sqlite:///{tmp_path / 'ledger.db'}")
    return KeyStore(service.app)
