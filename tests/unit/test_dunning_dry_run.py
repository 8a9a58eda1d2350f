"""The dunning dry run (API, CLI) writes nothing and shows what the run then records;
`GET /policies` shows the policies in force."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from colledger.main import main
from ledger.commands.collections import OpenDispute, ProcessDay
from ledger.daily_loop.dunning_dry_run import dunning_dry_run
from tests.builders import AGENT, SERVICE
from tests.unit.api_world import ApiWorld
from tests.unit.given import an_account, an_invoice, events_of, store_position
from tests.unit.test_workspace_session import token_in

DAY = date(2026, 2, 10)


def overdue_debtor(world: ApiWorld, number: str = "ACC-9") -> str:
    an_account(world.service, number)
    for invoice_id, amount, days in (("I-1", "100.00", 2), ("I-2", "200.00", 20),
                                     ("I-3", "300.00", 35), ("I-4", "50.00", 40)):
        an_invoice(world.service, invoice_id, amount, account=number,
                   issue_date=DAY - timedelta(days=days + 30), due_date=DAY - timedelta(days=days))
    world.service.execute(OpenDispute(account=number, dispute_id="D-1", invoice_id="I-4",
                                      amount="50.00", reason="x", effective_on=DAY), AGENT)
    return number


@pytest.fixture
def world() -> ApiWorld:
    return ApiWorld()


def test_the_dry_run_writes_nothing_and_equals_what_the_run_records(world: ApiWorld) -> None:
    number = overdue_debtor(world)
    before = store_position(world.service)

    response = world.client.get(f"/dunning/dry-run?day={DAY}",
                                headers={"X-API-Key": world.keys["manager"]})

    assert response.status_code == 200
    assert store_position(world.service) == before
    (planned,) = [p for p in response.json()["items"] if p["account"] == number]
    world.service.execute(ProcessDay(account=number, day=DAY), SERVICE)
    (issued,) = [e["payload"] for e in events_of(world.service, "NoticeSent", number)]
    assert planned["notice"] == {k: issued[k] for k in ("level", "channel", "template",
                                                        "invoices")}
    assert [i["invoice_id"] for i in issued["invoices"]] == ["I-3", "I-2", "I-1"]
    assert dunning_dry_run(world.service, DAY, "standard") == [], "nothing more due today"


def test_only_a_manager_runs_a_dry_run(world: ApiWorld) -> None:
    for caller, status in (("manager", 200), ("agent", 403), ("auditor", 403)):
        response = world.client.get("/dunning/dry-run",
                                    headers={"X-API-Key": world.keys[caller]})
        assert response.status_code == status


def test_policies_show_the_dunning_version_and_the_settings_in_force(world: ApiWorld) -> None:
    response = world.client.get("/policies", headers={"X-API-Key": world.keys["auditor"]})

    assert response.status_code == 200
    body = response.json()
    assert (body["dunning"]["version"], body["dunning"]["effective_from"]) == (0, "2000-01-01")
    assert body["four_eyes"]["write_off"]["default_threshold"] == "1000"
    assert body["contact"]["default"]["max_calls"] == 7
    assert body["approval_expiry_days"] == 14 and "other" in body["dispute_reason_codes"]
    assert "overdue_per_unit" in body["worklist_weights"]
    assert world.client.get("/policies", headers={"X-API-Key": world.keys["agent"]}
                            ).status_code == 403


def test_the_cli_dry_run_lists_the_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--database-url", f"sqlite:///{tmp_path / 'ledger.db'}"]
    main([*store, "init"])
    capsys.readouterr()

    assert main([*store, "dunning", "dry-run", "--day", "2026-02-10", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*store, "policies"]) == 0
    assert json.loads(capsys.readouterr().out)["dunning"]["version"] == 0


def test_the_audit_page_shows_the_policies_in_force() -> None:
    world = ApiWorld()
    client = TestClient(world.app, base_url="http://127.0.0.1")
    form = client.get("/app/sign-in")
    client.post("/app/sign-in", data={"api_key": world.keys["auditor"],
                                      "csrf_token": token_in(form)})

    page = client.get("/app/audit")

    assert page.status_code == 200
    assert "Dunning policy version 0 (built in)" in page.text
    assert "<td>hold_notice</td><td>60</td><td>letter</td>" in page.text


def test_the_cli_refuses_to_start_on_a_bad_policy_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "dunning.toml"
    bad.write_text("effective_from = 2026-01-01\n[segments.retail]\nquiet_period_days = -1\n")
    monkeypatch.setenv("COLLEDGER_DUNNING_POLICY_FILE", str(bad))

    assert main(["--database-url", f"sqlite:///{tmp_path / 'l.db'}", "policies"]) == 2
    error = capsys.readouterr().err
    assert "segments.retail.levels: Field required" in error
    assert "segments.retail.quiet_period_days: Input should be greater than or equal to 0" in error
