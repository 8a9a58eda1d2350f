"""`/audit/verify` and `/audit/checkpoints`: who may verify, read and record checkpoints,
and what they see when the store is intact or edited behind the ledger's back."""

from __future__ import annotations

import pytest

from tests.builders import edit_amount
from tests.unit.api_world import CALLERS, ApiWorld, problem_type

VERIFIERS = {"auditor", "compliance", "manager", "other manager"}
CHECKPOINT_READERS = {"auditor", "compliance"}
CHECKPOINT_RECORDERS = {"compliance", "auditor", "service"}


def get(api: ApiWorld, path: str, caller: str) -> tuple[int, object]:
    response = api.client.get(path, headers={"X-API-Key": api.keys[caller]})
    return response.status_code, response.json()



@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_verify_is_for_auditors_compliance_and_managers(caller: str) -> None:
    api = ApiWorld()
    api.debtor()
    status, body = get(api, "/audit/verify", caller)
    if caller in VERIFIERS:
        assert status == 200
        assert isinstance(body, dict) and body["ok"] is True
        assert (body["accounts"], body["events"]) == (1, 4)
        assert body["summary"].startswith("verified: 1 accounts, 4 events, head digest ")
    else:
        assert status == 403


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_recording_a_checkpoint_is_for_compliance_auditors_and_the_service_role(
    caller: str,
) -> None:
    api = ApiWorld()
    number = api.debtor()
    response = api.client.post("/audit/checkpoints", headers={"X-API-Key": api.keys[caller]})
    if caller not in CHECKPOINT_RECORDERS:
        assert response.status_code == 403
        assert problem_type(response) == "forbidden"
        assert get(api, "/audit/checkpoints", "auditor") == (200, [])
        return
    assert response.status_code == 201, response.text
    exported = response.json()
    assert exported["id"] == 1 and exported["recorded_by"] == CALLERS[caller][1]
    assert list(exported["heads"]) == [number] and exported["heads"][number]["version"] == 4
    status, listing = get(api, "/audit/checkpoints", "auditor")
    assert status == 200 and isinstance(listing, list)
    assert [c["digest"] for c in listing] == [exported["digest"]]
    assert get(api, "/audit/checkpoints/1", "compliance") == (200, exported)
    assert get(api, "/audit/checkpoints/2", "compliance")[0] == 404


@pytest.mark.parametrize("caller", sorted(set(CALLERS) - CHECKPOINT_READERS))
def test_only_auditors_and_compliance_read_checkpoints(caller: str) -> None:
    api = ApiWorld()
    assert get(api, "/audit/checkpoints", caller)[0] == 403
    assert get(api, "/audit/checkpoints/1", caller)[0] == 403


def test_an_edited_event_is_reported_and_refuses_a_checkpoint() -> None:
    api = ApiWorld()
    first, second = api.debtor(), api.debtor()
    assert api.client.post("/audit/checkpoints",
                           headers={"X-API-Key": api.keys["compliance"]}).status_code == 201
    edit_amount(api.service, second, 2)

    status, body = get(api, "/audit/verify", "auditor")
    assert status == 200 and isinstance(body, dict)
    assert body["ok"] is False
    assert body["breaks"] == [{"account_id": second, "version": 2, "kind": "payload-changed",
                               "detail": "digest of v2 no longer matches the prev_hash stored "
                                         "in v3"}]
    assert body["checkpoint"]["id"] == 1
    assert get(api, f"/audit/verify?account={first}", "auditor")[1]["ok"] is True  # type: ignore[index]

    refused = api.client.post("/audit/checkpoints", headers={"X-API-Key": api.keys["service"]})
    assert refused.status_code == 409
    assert problem_type(refused) == "ledger-does-not-verify"
    assert f"{second} v2 payload-changed" in refused.json()["detail"]
    assert len(get(api, "/audit/checkpoints", "auditor")[1]) == 1  # type: ignore[arg-type]
    unknown = api.client.get("/audit/verify?account=NOPE",
                             headers={"X-API-Key": api.keys["auditor"]})
    assert unknown.status_code == 404
    assert problem_type(unknown) == "account-not-found"
