"""`colledger status`, `rebuild --account` and the reads' note, through ``main`` on a SQLite
file holding an invoice of 10^23 from an earlier release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from colledger import rendering
from colledger.main import main
from ledger.projections.registry import all_projections
from tests.builders import make_service
from tests.earlier_release import HUGE, invoice_from_earlier_release
from tests.unit.given import an_account, an_invoice


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """ACC-1 owes 100.00 and an invoice of 10^23; ACC-2 owes 200.00."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = make_service(url)
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "100.00", account="ACC-1")
    invoice_from_earlier_release(service, "ACC-1", "INV-BIG", HUGE)
    an_account(service, "ACC-2")
    an_invoice(service, "INV-1", "200.00", account="ACC-2")
    monkeypatch.setattr(rendering.console, "_width", 200)
    return url


def test_status_names_the_account_event_and_error_and_exits_1(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url, "project"]) == 0
    capsys.readouterr()

    assert main(["--database-url", url, "status"]) == 1

    out = capsys.readouterr().out
    assert "open_items: ACC-1 (" in out
    assert "at position 3, version 3 InvoiceIssued" in out
    assert "OverflowError: Python int too large" in out
    assert main(["--database-url", url, "status", "--format", "json"]) == 1
    status = json.loads(capsys.readouterr().out)
    assert [p["position"] for p in status["projections"]] == [5] * len(all_projections())
    assert [(q["account_number"], q["version"]) for q in status["quarantines"]] == [("ACC-1", 3)]


def test_aging_as_json_stays_json_and_says_what_it_left_out_on_stderr(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url, "aging", "--as-of", "2026-03-31", "--format",
                 "json"]) == 0

    captured = capsys.readouterr()
    assert [row["key"] for row in json.loads(captured.out)] == ["ACC-2"]
    assert "note: excluding 1 quarantined account (ACC-1)" in captured.err


def test_a_statement_of_the_quarantined_account_is_an_error_naming_the_rule(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--database-url", url, "statement", "ACC-1", "--from", "2026-01-01",
                 "--to", "2026-03-31"])

    assert code == 2
    assert "error [account-quarantined]: account ACC-1" in capsys.readouterr().err


def test_rebuilding_the_account_says_what_still_fails_and_exits_1(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url, "project"]) == 0
    capsys.readouterr()

    assert main(["--database-url", url, "rebuild", "--account", "ACC-1"]) == 1

    out = capsys.readouterr().out
    assert "open_items: 3 events re-applied; still quarantined: OverflowError" in out
    assert "history: 3 events re-applied; ok" in out
