"""`POST /audit/trails`: a ZIP of the trail for compliance and auditors, recorded as an
export by the caller; every other role refused with nothing written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from ledger.aggregates.trail_exports import TRAIL_EXPORTS_ID, TrailExported
from ledger.audit.trail_check import check_trail
from tests.builders import edit_amount
from tests.unit.api_world import CALLERS, ApiWorld, problem_type

EXPORTERS = {"auditor", "compliance"}


@pytest.fixture(scope="module")
def api() -> ApiWorld:
    return ApiWorld()


def exports(api: ApiWorld) -> list[TrailExported]:
    return [e for e in api.service.app.events.get(TRAIL_EXPORTS_ID)
            if isinstance(e, TrailExported)]


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_trails_are_for_compliance_and_auditors(api: ApiWorld, caller: str) -> None:
    number = api.debtor()
    before = len(exports(api))

    response = api.post("/audit/trails", {"account": number}, caller)

    if caller in EXPORTERS:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/zip"
        assert len(exports(api)) == before + 1
    else:
        assert response.status_code == 403
        assert problem_type(response) == "forbidden"
        assert "export a regulatory trail" in response.json()["detail"]
        assert len(exports(api)) == before


def test_the_zip_verifies_offline_and_the_export_names_the_caller(
    api: ApiWorld, tmp_path: Path
) -> None:
    number = api.debtor()

    response = api.post("/audit/trails", {"account": number}, "auditor",
                        headers={"X-Correlation-ID": "audit-case-7"})

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["account.json", "events.csv", "events.ndjson",
                                              "manifest.json", "refusals.csv",
                                              "refusals.ndjson"]
        archive.extractall(tmp_path)
    result = check_trail(tmp_path)
    assert result.ok, result.summary()
    assert result.events == api.version(number)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["exported_by"] == {"actor_id": "auditor-1", "role": "auditor"}
    recorded = exports(api)[-1]
    assert (recorded.actor_id, recorded.actor_role, recorded.query) == \
        ("auditor-1", "auditor", {"account": number})
    assert recorded.manifest_sha256 == response.headers["X-Trail-Manifest-SHA256"] == \
        result.manifest_sha256
    assert recorded.correlation_id == "audit-case-7"


def test_a_period_trail_and_bad_requests(api: ApiWorld) -> None:
    api.debtor()
    response = api.post("/audit/trails", {"from": "2026-01-01", "to": "2026-01-15"},
                        "compliance")
    assert response.status_code == 200
    assert 'filename="trail-2026-01-01-2026-01-15.zip"' in response.headers["content-disposition"]
    before = len(exports(api))
    for body, status, kind in [
        ({"account": "ACC-0001", "from": "2026-01-01", "to": "2026-01-02"}, 422,
         "invalid-command"),
        ({"from": "2026-01-02"}, 422, "invalid-command"),
        ({"from": "2026-01-02", "to": "2026-01-01"}, 422, "invalid-dates"),
        ({"account": "NOPE-1"}, 404, "account-not-found"),
        ({"account": "ACC-0001", "extra": 1}, 422, "validation-error"),
    ]:
        refused = api.post("/audit/trails", body, "compliance")
        assert (refused.status_code, problem_type(refused)) == (status, kind), body
    assert len(exports(api)) == before


def test_a_ledger_that_does_not_verify_is_refused_unless_overridden() -> None:
    api = ApiWorld()
    number = api.debtor()
    edit_amount(api.service, number, 2)

    refused = api.post("/audit/trails", {"account": number}, "compliance")

    assert refused.status_code == 409
    assert problem_type(refused) == "ledger-does-not-verify"
    assert exports(api) == []
    forced = api.post("/audit/trails", {"account": number, "override_verification": True},
                      "compliance")
    assert forced.status_code == 200
    assert [(e.verified, e.override) for e in exports(api)] == [(False, True)]
