"""Regulatory trails: exported after verification, checked offline against their manifest,
and recorded as who looked at what (docs/audit.md, "Regulatory trails")."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from colledger.main import main
from ledger.aggregates.errors import InvalidCommand, InvalidDates
from ledger.aggregates.trail_exports import TRAIL_EXPORTS_ID, TrailExported
from ledger.audit.trail import LedgerDoesNotVerify, export_trail
from ledger.audit.trail_check import check_trail
from ledger.audit.trail_query import TrailQuery
from ledger.audit.verification import verify_ledger
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.base import Actor
from ledger.commands.receivables import IssueInvoice
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import MANAGER, SteppingClock, edit_amount, make_service
from tests.unit.given import an_account

COMPLIANCE = Actor("compliance-1", "compliance")
ISSUED = [date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 9)]


def ledger(url: str = "sqlite:///:memory:") -> tuple[LedgerService, SteppingClock]:
    """Two accounts, T-1 and T-2, each opened on 1 January with invoices issued on ISSUED."""
    service, clock = make_service(url)
    for number in ("T-1", "T-2"):
        an_account(service, number)
        for i, issued in enumerate(ISSUED):
            service.execute(IssueInvoice(account=number, invoice_id=f"INV-{i}",
                                         amount=Decimal("10.00"), currency="USD",
                                         issue_date=issued, effective_on=issued), MANAGER)
    return service, clock


def rows(directory: Path) -> list[dict[str, Any]]:
    lines = (directory / "events.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def refresh_manifest_entry(directory: Path, name: str) -> None:
    """What a forger would do: make the manifest agree with an edited file."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    data = (directory / name).read_bytes()
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")



def test_an_account_trail_round_trips_and_verifies_offline(tmp_path: Path) -> None:
    service, clock = ledger()
    made = export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock,
                        account_view=service.account_as_of)

    result = check_trail(tmp_path / "t")

    assert result.ok, result.summary()
    assert (result.events, result.accounts) == (4, 1)
    history = list(service.history("T-1"))
    exported = rows(tmp_path / "t")
    assert [(r["version"], r["hash"], r["prev_hash"]) for r in exported] == \
        [(h["version"], h["hash"], h["prev_hash"]) for h in history]
    manifest = made.manifest
    assert manifest["query"] == {"account": "T-1"}
    assert manifest["verification"]["heads"] == {"T-1": {"version": 4,
                                                         "digest": history[-1]["hash"]}}
    assert manifest["exported_by"] == {"actor_id": "compliance-1", "role": "compliance"}
    assert manifest["position"] == verify_ledger(service.app).position - 2  # + export events
    assert {f["name"]: f["rows"] for f in manifest["files"]} == \
        {"events.ndjson": 4, "events.csv": 4, "account.json": 1, "refusals.ndjson": 0,
         "refusals.csv": 0}
    assert json.loads((tmp_path / "t" / "account.json").read_text())["version"] == 4


@pytest.mark.parametrize("name", ["events.ndjson", "events.csv", "account.json",
                                  "manifest.json"])
def test_one_flipped_byte_in_any_file_fails_naming_that_file(tmp_path: Path, name: str) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock,
                 account_view=service.account_as_of)
    path = tmp_path / "t" / name
    data = bytearray(path.read_bytes())
    at = 0 if name == "manifest.json" else len(data) // 2
    data[at] ^= 0x01
    path.write_bytes(bytes(data))

    result = check_trail(tmp_path / "t")

    assert not result.ok
    assert result.problems[0].file == name, result.summary()


def test_a_payload_edited_with_its_manifest_hash_fixed_fails_the_chain(tmp_path: Path) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock)
    lines = (tmp_path / "t" / "events.ndjson").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["payload"]["amount"] = "1.00"
    lines[2] = json.dumps(row, sort_keys=True, separators=(",", ":"))
    (tmp_path / "t" / "events.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    refresh_manifest_entry(tmp_path / "t", "events.ndjson")

    result = check_trail(tmp_path / "t")

    assert not result.ok
    found = [str(p) for p in result.problems if p.file == "events.ndjson"]
    assert found == ["events.ndjson (account T-1 v3, row 3): payload-changed: the digest "
                     "recomputed from the row differs from its hash"]


def test_a_dropped_row_with_the_manifest_made_to_agree_is_a_missing_event(
    tmp_path: Path,
) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock)
    for name, v2 in (("events.ndjson", 1), ("events.csv", 2)):  # the CSV has a header
        lines = (tmp_path / "t" / name).read_bytes().splitlines(keepends=True)
        (tmp_path / "t" / name).write_bytes(b"".join(lines[:v2] + lines[v2 + 1:]))
        refresh_manifest_entry(tmp_path / "t", name)
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text())
    for entry in manifest["files"]:
        entry["rows"] = 3 if entry["name"].startswith("events") else entry["rows"]
    manifest["totals"]["events"] = 3
    (tmp_path / "t" / "manifest.json").write_text(json.dumps(manifest))

    result = check_trail(tmp_path / "t")

    assert [str(p) for p in result.problems] == [
        "events.ndjson (account T-1 v2): event-missing: v2 is not in the trail"]


def test_a_row_relabelled_to_another_account_fails(tmp_path: Path) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(start=date(2026, 1, 9), end=date(2026, 1, 9)),
                 tmp_path / "t", COMPLIANCE, clock)
    for name in ("events.ndjson", "events.csv"):
        path = tmp_path / "t" / name
        path.write_bytes(path.read_bytes().replace(b"T-2", b"T-1"))
        refresh_manifest_entry(tmp_path / "t", name)

    result = check_trail(tmp_path / "t")

    assert "events.ndjson (account T-1 v4, row 2): account_id is not the id of this account " \
        "number" in [str(p) for p in result.problems]


def test_personal_data_leaves_only_sealed_and_an_erased_account_still_verifies(
    tmp_path: Path,
) -> None:
    service, clock = make_service()
    service.execute(OpenAccount(account="P-1", name="Debtor", currency="USD", timezone="UTC",
                                terms_days=30, segment="standard",
                                contact={"email": "jane@example.org", "phone": "+15550100"}),
                    MANAGER)
    export_trail(service.app, TrailQuery(account="P-1"), tmp_path / "before", COMPLIANCE, clock)
    service.execute(ErasePersonalData(account="P-1", reason="DSR-1"), COMPLIANCE)

    export_trail(service.app, TrailQuery(account="P-1"), tmp_path / "after", COMPLIANCE, clock)

    for trail in ("before", "after"):
        assert check_trail(tmp_path / trail).ok
        for path in (tmp_path / trail).iterdir():
            assert b"jane@example.org" not in path.read_bytes(), path
    assert rows(tmp_path / "after")[0] == rows(tmp_path / "before")[0]


def test_a_period_trail_holds_exactly_the_events_effective_in_the_period(tmp_path: Path) -> None:
    service, clock = ledger()
    query = TrailQuery(start=date(2026, 1, 3), end=date(2026, 1, 9))

    made = export_trail(service.app, query, tmp_path / "p", COMPLIANCE, clock)

    expected = {(number, h["version"]) for number in ("T-1", "T-2")
                for h in service.history(number)
                if date(2026, 1, 3) <= date.fromisoformat(h["effective_on"]) <= date(2026, 1, 9)}
    assert {(r["account"], r["version"]) for r in rows(tmp_path / "p")} == expected
    assert len(expected) == 4
    assert made.manifest["query"] == {"from": "2026-01-03", "to": "2026-01-09"}
    assert sorted(made.manifest["verification"]["heads"]) == ["T-1", "T-2"]
    assert not (tmp_path / "p" / "account.json").exists()
    assert check_trail(tmp_path / "p").ok


def test_an_export_is_recorded_with_who_and_what(tmp_path: Path) -> None:
    service, clock = ledger()
    made = export_trail(service.app, TrailQuery(account="T-2"), tmp_path / "t", COMPLIANCE,
                        clock, correlation_id="corr-9")
    export_trail(service.app, TrailQuery(start=date(2026, 1, 1), end=date(2026, 1, 1)),
                 tmp_path / "u", Actor("auditor-1", "auditor"), clock)

    events = [e for e in service.app.events.get(TRAIL_EXPORTS_ID)
              if isinstance(e, TrailExported)]

    assert [(e.actor_id, e.actor_role, e.query) for e in events] == [
        ("compliance-1", "compliance", {"account": "T-2"}),
        ("auditor-1", "auditor", {"from": "2026-01-01", "to": "2026-01-01"}),
    ]
    first = events[0]
    assert first.manifest_sha256 == made.manifest_sha256 == hashlib.sha256(
        (tmp_path / "t" / "manifest.json").read_bytes()).hexdigest()
    assert first.files == {f["name"]: f["sha256"] for f in made.manifest["files"]}
    assert (first.rows, first.position, first.verified, first.override) == \
        (4, made.manifest["position"], True, False)
    assert first.correlation_id == "corr-9" and first.command_id
    assert events[1].previous_digest == first.digest


def test_export_events_leave_listings_read_models_and_verification_alone(
    tmp_path: Path,
) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock)
    an_account(service, "T-3")
    models = ReadModels(service.app)
    models.catch_up()
    assert service.account_numbers() == ["T-1", "T-2", "T-3"]
    assert [a.number for a in models.accounts().items] == ["T-1", "T-2", "T-3"]
    assert models.rebuild() == service.app.recorder.max_notification_id()
    report = verify_ledger(service.app)
    assert (report.ok, report.accounts, report.events) == (True, 3, 9)


def test_a_ledger_that_does_not_verify_is_refused_unless_overridden(tmp_path: Path) -> None:
    service, clock = ledger()
    edit_amount(service, "T-1", 2)

    with pytest.raises(LedgerDoesNotVerify, match="T-1 v2 payload-changed"):
        export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock)
    assert not (tmp_path / "t").exists()
    assert list(service.app.events.get(TRAIL_EXPORTS_ID)) == []

    made = export_trail(service.app, TrailQuery(start=date(2026, 1, 1), end=date(2026, 12, 31)),
                        tmp_path / "o", COMPLIANCE, clock, override=True)

    verification = made.manifest["verification"]
    assert (verification["ok"], verification["override"]) == (False, True)
    assert [b["account_id"] for b in verification["breaks"]] == ["T-1"]
    result = check_trail(tmp_path / "o")
    assert result.ok and any("declared broken at export" in n for n in result.notes)
    exported = next(e for e in service.app.events.get(TRAIL_EXPORTS_ID)
                    if isinstance(e, TrailExported))
    assert (exported.verified, exported.override) == (False, True)


def test_bad_queries_and_used_directories_are_refused(tmp_path: Path) -> None:
    service, clock = ledger()
    with pytest.raises(InvalidCommand):
        TrailQuery(account="T-1", start=date(2026, 1, 1), end=date(2026, 1, 2))
    with pytest.raises(InvalidCommand):
        TrailQuery(start=date(2026, 1, 1))
    with pytest.raises(InvalidDates):
        TrailQuery(start=date(2026, 1, 2), end=date(2026, 1, 1))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(InvalidCommand, match="not an empty directory"):
        export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "used", COMPLIANCE,
                     clock)


def test_an_unlisted_file_in_the_trail_fails_the_check(tmp_path: Path) -> None:
    service, clock = ledger()
    export_trail(service.app, TrailQuery(account="T-1"), tmp_path / "t", COMPLIANCE, clock)
    (tmp_path / "t" / "notes.txt").write_text("added later")

    result = check_trail(tmp_path / "t")

    assert [str(p) for p in result.problems] == ["notes.txt: not listed in the manifest"]


def test_cli_exports_and_verifies_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = ledger(url)
    out = tmp_path / "trail"

    assert main(["--database-url", url, "trail", "--account", "T-2", "--out", str(out),
                 "--actor", "cli:alice"]) == 0
    assert "4 events of 1 accounts" in capsys.readouterr().out
    assert main(["trail", "verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("trail verified: 4 events of 1 accounts")
    exported = [e for e in service.app.events.get(TRAIL_EXPORTS_ID)
                if isinstance(e, TrailExported)]
    assert [(e.actor_id, e.actor_role) for e in exported] == [("cli:alice", "compliance")]

    csv = out / "events.csv"
    csv.write_bytes(csv.read_bytes().replace(b"T-2", b"T-9", 1))
    assert main(["trail", "verify", str(out)]) == 1
    assert "events.csv" in capsys.readouterr().err

    assert main(["--database-url", url, "trail", "--account", "T-2", "--out", str(out)]) == 2
    assert "not an empty directory" in capsys.readouterr().err
    assert main(["--database-url", url, "trail", "--from", "2026-01-09", "--to", "2026-01-01",
                 "--out", str(tmp_path / "p")]) == 2
    assert not (tmp_path / "p").exists()
