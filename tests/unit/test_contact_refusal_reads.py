"""A refused contact is shown where people look: beside the account's history (the API's
``/contact-refusals`` and the workspace timeline), and counted per rule and per channel in
the compliance report."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.application import AggregateNotFoundError
from fastapi.testclient import TestClient

from api.workspace.timeline import timeline
from ledger.aggregates.contact_compliance import ContactCompliance, compliance_id_for
from ledger.audit.refusal_records import refusal_records
from ledger.audit.trail_check import check_trail
from tests.unit.api_catalogue import BY_NAME
from tests.unit.api_world import ApiWorld
from tests.unit.test_workspace_session import token_in

LATE = "2026-02-10T21:30:00Z"


@pytest.fixture
def api() -> ApiWorld:
    return ApiWorld()


def refused_call(api: ApiWorld, number: str, command_id: str = "cmd-late") -> None:
    write = BY_NAME["RecordContact"]
    response = api.post(write.url(number), write.body_for(number, at=LATE), "agent",
                        {"Idempotency-Key": command_id})
    assert response.status_code == 409, response.text


def get(api: ApiWorld, url: str, caller: str = "compliance") -> Any:
    api.app.state.read_models.catch_up()
    return api.client.get(url, headers={"X-API-Key": api.keys[caller]})


def test_a_refused_call_is_listed_beside_the_history_which_keeps_its_versions(
    api: ApiWorld,
) -> None:
    number = api.debtor()
    history = get(api, f"/accounts/{number}/history").json()["items"]
    refused_call(api, number)

    refusals = get(api, f"/accounts/{number}/contact-refusals", "agent")

    assert refusals.status_code == 200, refusals.text
    [refusal] = refusals.json()["items"]
    assert (refusal["type"], refusal["actor_id"], refusal["payload"]["rule"],
            refusal["payload"]["channel"]) == ("ContactRefused", "agent-1", "call-hours", "call")
    assert refusal["position"] is None
    assert get(api, f"/accounts/{number}/history").json()["items"] == history


def test_refusals_of_an_unknown_account_are_not_found(api: ApiWorld) -> None:
    assert get(api, "/accounts/ACC-9999/contact-refusals").status_code == 404


def test_the_timeline_shows_the_refusal_in_time_order_marked_as_one(api: ApiWorld) -> None:
    number = api.debtor()
    refused_call(api, number)
    history = get(api, f"/accounts/{number}/history").json()["items"]
    refusals = get(api, f"/accounts/{number}/contact-refusals").json()["items"]

    entries = timeline(history, refusals)

    assert [e.refusal for e in entries] == [False] * len(history) + [True]
    refusal = entries[-1]
    assert refusal.kind == "Contact refused"
    assert dict(refusal.why)["rule"] == "call-hours"
    assert dict(refusal.why)["channel"] == "call"
    assert [e.recorded_at for e in entries] == sorted(e.recorded_at for e in entries)


def test_the_account_page_shows_the_refusal(api: ApiWorld) -> None:
    number = api.debtor()
    refused_call(api, number)

    api.app.state.read_models.catch_up()
    browser = TestClient(api.app, base_url="http://127.0.0.1")
    browser.post("/app/sign-in", data={"api_key": api.keys["manager"],
                                       "csrf_token": token_in(browser.get("/app/sign-in"))})
    page = browser.get(f"/app/accounts/{number}")

    assert page.status_code == 200, page.text[:500]
    assert "Contact refused" in page.text
    assert "refused, kept as evidence" in page.text
    assert "call-hours" in page.text


def keep(api: ApiWorld, number: str, day: int, rule: str, channel: str = "call") -> None:
    """A refusal dated 2026-02-``day``, kept by hand on the account's compliance stream."""
    app = api.service.app
    at = datetime(2026, 2, day, 21, 30, tzinfo=UTC)
    stream: ContactCompliance
    try:
        stream = app.repository.get(compliance_id_for(number))
    except AggregateNotFoundError:
        stream = ContactCompliance.start(number, at)
    stream.refuse(now=at, effective_on=date(2026, 2, day), actor_id="agent-1",
                  actor_role="agent", command_id=f"{number}-{day}-{rule}",
                  correlation_id="c", account=number, contact_id="CT-1", channel=channel,
                  purpose="collection", at=at, rule=rule, reason=f"refused: {rule}")
    app.save(stream)


def test_the_report_counts_refusals_per_rule_and_channel_in_the_period(api: ApiWorld) -> None:
    first, second = api.debtor(), api.debtor(agent="agent-2")
    keep(api, first, 3, "call-hours")
    keep(api, second, 4, "call-hours")
    keep(api, first, 5, "cease-communication", channel="email")
    keep(api, first, 20, "call-hours")  # after the period

    report = get(api, "/reports/contact-refusals?from=2026-02-01&to=2026-02-10")

    assert report.status_code == 200, report.text
    body = report.json()
    assert body["total"] == 3
    assert body["by_rule"] == [{"key": "call-hours", "refusals": 2},
                               {"key": "cease-communication", "refusals": 1}]
    assert body["by_channel"] == [{"key": "call", "refusals": 2},
                                  {"key": "email", "refusals": 1}]


def test_agents_may_not_read_the_refusal_report(api: ApiWorld) -> None:
    assert get(api, "/reports/contact-refusals?from=2026-02-01&to=2026-02-10",
               "agent").status_code == 403


def trail(api: ApiWorld, query: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    response = api.post("/audit/trails", query, "compliance")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    checked = check_trail(tmp_path)
    assert checked.ok, checked.summary()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    digests = {f["name"]: f["sha256"] for f in manifest["files"]}
    rows = [json.loads(line) for line in
            (tmp_path / "refusals.ndjson").read_text().splitlines()]
    with (tmp_path / "refusals.csv").open(newline="") as table:
        cells = list(csv.reader(table))
    return {"rows": rows, "csv": cells, "digests": digests}


def test_a_trail_holds_the_refusals_as_rows_of_their_own_with_their_hash_links(
    api: ApiWorld, tmp_path: Path,
) -> None:
    number = api.debtor()
    refused_call(api, number, "cmd-late-a")
    refused_call(api, number, "cmd-late-b")
    kept = refusal_records(api.service.app, number)

    found = trail(api, {"account": number}, tmp_path / "account")

    assert [(r["account"], r["type"], r["payload"]["rule"], r["hash"], r["prev_hash"])
            for r in found["rows"]] == [
        (number, "ContactRefused", "call-hours", k["hash"], k["prev_hash"]) for k in kept]
    assert found["rows"][1]["prev_hash"] == found["rows"][0]["hash"]
    assert len(found["csv"]) == 3 and found["csv"][0][:4] == [
        "account", "stream_id", "version", "type"]
    assert {"refusals.ndjson", "refusals.csv"} <= set(found["digests"])


def test_a_period_trail_holds_the_refusals_dated_in_it(api: ApiWorld, tmp_path: Path) -> None:
    number = api.debtor()
    refused_call(api, number, "cmd-late-p")
    day = refusal_records(api.service.app, number)[0]["effective_on"]
    after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()

    within = trail(api, {"from": day, "to": day}, tmp_path / "within")
    later = trail(api, {"from": after, "to": after}, tmp_path / "later")

    assert [r["account"] for r in within["rows"]] == [number]
    assert later["rows"] == []
