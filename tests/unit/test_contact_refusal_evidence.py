"""A refused contact is answered with its problem and kept as evidence beside the account.

The refusal goes to the account's compliance stream (`ContactRefused`: who, when, which
channel, which rule), never to the account, so the account's version stays where a
client's If-Match left it; a retried request keeps nothing more.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from ledger.aggregates.contact_compliance import compliance_id_for
from ledger.audit.refusal_records import refusal_records
from ledger.audit.verification import verify_ledger
from tests.unit.api_catalogue import BY_NAME
from tests.unit.api_world import ApiWorld, problem_type

LATE = "2026-02-10T21:30:00Z"


@pytest.fixture
def api() -> ApiWorld:
    return ApiWorld()


def call_at(api: ApiWorld, number: str, at: str, command_id: str,
            headers: dict[str, str] | None = None) -> Any:
    write = BY_NAME["RecordContact"]
    body = write.body_for(number, at=at)
    return api.post(write.url(number), body, "agent",
                    {"Idempotency-Key": command_id, **(headers or {})})


def test_a_call_at_half_past_nine_is_refused_and_kept_as_evidence(api: ApiWorld) -> None:
    number = api.debtor()
    version = api.version(number)

    response = call_at(api, number, LATE, "cmd-late-1")

    assert response.status_code == 409, response.text
    assert problem_type(response) == "contact-refused/call-hours"
    [refusal] = refusal_records(api.service.app, number)
    assert refusal["type"] == "ContactRefused"
    assert refusal["actor_id"] == "agent-1"
    assert refusal["command_id"] == "agent-1:cmd-late-1"
    assert refusal["payload"]["rule"] == "call-hours"
    assert refusal["payload"]["channel"] == "call"
    assert refusal["payload"]["at"].startswith("2026-02-10T21:30:00")
    assert "note" not in refusal["payload"]
    assert api.version(number) == version


def test_a_refusal_leaves_the_account_version_a_client_holds(api: ApiWorld) -> None:
    number = api.debtor()
    version = api.version(number)
    call_at(api, number, LATE, "cmd-late-2")

    response = call_at(api, number, "2026-02-10T15:00:00Z", "cmd-fine",
                       {"If-Match": f'"v{version}"'})

    assert response.status_code in (200, 201), response.text


def test_a_retried_refused_request_keeps_nothing_more(api: ApiWorld) -> None:
    number = api.debtor()
    call_at(api, number, LATE, "cmd-late-3")

    again = call_at(api, number, LATE, "cmd-late-3")

    assert again.status_code == 409
    assert problem_type(again) == "contact-refused/call-hours"
    assert len(refusal_records(api.service.app, number)) == 1


def test_each_refused_request_is_kept_in_order(api: ApiWorld) -> None:
    number = api.debtor()
    call_at(api, number, LATE, "cmd-late-4")
    call_at(api, number, "2026-02-10T05:00:00Z", "cmd-early")

    refusals = refusal_records(api.service.app, number)

    assert [r["command_id"] for r in refusals] == ["agent-1:cmd-late-4", "agent-1:cmd-early"]
    assert refusals[1]["prev_hash"] == refusals[0]["hash"]


def edit_refusal(api: ApiWorld, number: str, version: int, **changes: Any) -> None:
    record = api.service.app.events_record
    with api.service.app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(record.originator_id == compliance_id_for(number),
                                           record.originator_version == version).one()
        state = json.loads(bytes(row.state))
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state | changes).encode(), "id": row.id})


def test_verification_walks_the_compliance_streams_and_finds_an_edited_refusal(
    api: ApiWorld,
) -> None:
    number = api.debtor()
    call_at(api, number, LATE, "cmd-late-5")
    call_at(api, number, "2026-02-10T05:00:00Z", "cmd-early-5")
    assert verify_ledger(api.service.app).ok
    assert verify_ledger(api.service.app, number).ok

    edit_refusal(api, number, 2, rule="call-frequency")

    for report in (verify_ledger(api.service.app), verify_ledger(api.service.app, number)):
        assert not report.ok
        assert [(b.account_id, b.version, b.kind) for b in report.breaks] == [
            (f"compliance:{number}", 2, "payload-changed")]
