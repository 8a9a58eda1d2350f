"""Each role is refused what it may not write, and nothing is written when it is.

Who may write what, as the issue puts it: agents work their own assigned accounts
(contacts, promises, plans, disputes, write-off requests, and recording a debtor's
request to stop contact, tasks, statements sent on demand); managers everything
collections-side but erasure;
compliance cease-communication and erasure; the service role ingests invoices,
payments and recoveries from other systems; auditors and admins write nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.reliability import RecordFigures
from tests.unit.api_catalogue import BY_NAME, WRITES, Write
from tests.unit.api_world import CALLERS, ApiWorld, problem_type

AGENT_WRITES = {"OpenDispute", "MakePromise", "AgreePaymentPlan", "RequestWriteOff",
                "RecordContact", "RequestCeaseCommunication", "ChangeDisputeReason",
                "CreateTask", "ReassignTask", "CompleteTask", "CancelTask", "SendStatement"}
WRITERS: dict[str, set[str]] = {
    "agent": AGENT_WRITES,
    "manager": {w.name for w in WRITES} - {"ErasePersonalData"},
    "compliance": {"RequestCeaseCommunication", "ErasePersonalData"},
    "service": {"OpenAccount", "IssueInvoice", "AdjustInvoice", "RecordPayment",
                "AllocatePayment", "ReversePayment", "RecordRecovery"},
    "auditor": set(),
    "admin": set(),
    "cashier": {"RecordPayerAccount", "RefundCredit"},
}
REFUSED = [(role, w) for role, allowed in WRITERS.items() for w in WRITES
           if w.name not in allowed]
PERMITTED = [(role, w) for role, allowed in WRITERS.items() for w in WRITES
             if w.name in allowed]


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def assert_refused(api: ApiWorld, write: Write, number: str, caller: str) -> str:
    position = api.position()

    response = api.post(write.url(number), write.body_for(number), caller)

    assert response.status_code == 403, response.text
    assert problem_type(response) == "forbidden"
    assert api.position() == position
    return str(response.json()["detail"])


@pytest.mark.parametrize(("role", "write"), REFUSED,
                         ids=[f"{role}-{w.name}" for role, w in REFUSED])
def test_role_is_refused_a_write_it_may_not_make(
    api: ApiWorld, role: str, write: Write, record_figures: RecordFigures
) -> None:
    number = api.prepared(write)
    position = api.position()

    detail = assert_refused(api, write, number, role)

    record_figures({"role-write cells refused": 1,
                    "events written by refused roles": api.position() - position})

    assert write.name in detail and CALLERS[role][1] in detail


@pytest.mark.parametrize(("role", "write"), PERMITTED,
                         ids=[f"{role}-{w.name}" for role, w in PERMITTED])
def test_role_may_make_the_writes_it_is_permitted(
    api: ApiWorld, role: str, write: Write, record_figures: RecordFigures
) -> None:
    number = api.prepared(write)

    response = api.post(write.url(number), write.body_for(number), role)

    record_figures({"role-write cells permitted": int(response.status_code == 201)})
    assert response.status_code == 201, response.text
    assert {e["actor_role"] for e in api.history(number)[-len(write.events):]} == {role}


def test_the_tables_cover_every_write_and_role() -> None:
    assert set(WRITERS) == {role for role, _ in CALLERS.values()}
    assert len(REFUSED) + len(PERMITTED) == len(WRITERS) * len(WRITES)


AGENT_ONLY = tuple(w for w in WRITES if w.name in AGENT_WRITES)


@pytest.mark.parametrize("write", AGENT_ONLY, ids=[w.name for w in AGENT_ONLY])
@pytest.mark.parametrize("assigned", ["agent-2", None], ids=["other-agents", "unassigned"])
def test_agent_is_refused_an_account_not_assigned_to_them(
    api: ApiWorld, write: Write, assigned: str | None, record_figures: RecordFigures
) -> None:
    number = api.prepared(write, agent=assigned)

    detail = assert_refused(api, write, number, "agent")

    record_figures({"agent writes to accounts not theirs refused": 1})

    assert number in detail and "not assigned" in detail


def test_agent_reassigned_away_loses_the_account(api: ApiWorld) -> None:
    promise, assignment = BY_NAME["MakePromise"], BY_NAME["AssignAgent"]
    number = api.debtor()
    api.post(assignment.url(number), {"agent_id": "agent-2"}, "manager")

    mine = api.post(promise.url(number), promise.body, "agent")
    theirs = api.post(promise.url(number), promise.body, "other agent")

    assert (mine.status_code, theirs.status_code) == (403, 201)


def test_compliance_may_erase_and_request_cease_communication_but_not_record_payments(
    api: ApiWorld,
) -> None:
    number = api.debtor()
    cease, erase = BY_NAME["RequestCeaseCommunication"], BY_NAME["ErasePersonalData"]

    ceased = api.post(cease.url(number), cease.body, "compliance")
    erased = api.post(erase.url(number), erase.body, "compliance")
    paid = api.post(BY_NAME["RecordPayment"].url(number), BY_NAME["RecordPayment"].body,
                    "compliance")

    assert (ceased.status_code, erased.status_code, paid.status_code) == (201, 201, 403)
    assert api.service.account(number).personal_data_erased


def test_service_may_not_approve_write_offs(api: ApiWorld) -> None:
    write = BY_NAME["DecideWriteOff"]
    number = api.debtor(given=write.given)

    assert_refused(api, write, number, "service")

    assert api.service.account(number).write_off_requests["WOR-1"].status == "pending"


KEY_CALLS = [("post", "/keys", {"role": "agent", "actor_id": "agent-9"}),
             ("get", "/keys", None), ("delete", "/keys/00000000", None)]
NOT_ADMINS = sorted({role for role, _ in CALLERS.values()} - {"admin"})


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize(("method", "path", "body"), KEY_CALLS,
                         ids=[f"{m}-{p}" for m, p, _ in KEY_CALLS])
def test_only_an_admin_manages_keys(
    api: ApiWorld, role: str, method: str, path: str, body: object
) -> None:
    keys_before = api.app.state.keys.listing()

    response = api.client.request(method, path, json=body,
                                  headers={"X-API-Key": api.keys[role]})

    assert response.status_code == 403, response.text
    assert problem_type(response) == "forbidden"
    assert api.app.state.keys.listing() == keys_before
