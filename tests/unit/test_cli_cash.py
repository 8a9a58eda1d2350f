"""`colledger import statement` and `colledger receipts`: a clerk's morning from the shell."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from colledger import rendering
from colledger.main import main
from tests.builders import make_service
from tests.unit.given import an_account, an_invoice

STATEMENT = (
    "date,amount,currency,counterparty,iban,remittance,reference\n"
    "2026-01-20,400.00,USD,Debtor ACC-1,,INV-1,BR-1\n"
    "2026-01-20,99.00,USD,Nobody We Know,,,BR-2\n"
)


def test_import_list_match_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = make_service(url)
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "400.00", issue_date=date(2026, 1, 1))
    an_invoice(service, "INV-2", "99.00", issue_date=date(2026, 1, 2))
    monkeypatch.setattr(rendering.console, "_width", 200)
    statement = tmp_path / "morning.csv"
    statement.write_text(STATEMENT)
    cli = ["--database-url", url]

    assert main([*cli, "import", "statement", str(statement), "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert (imported["matched"], imported["unidentified"]) == (1, 1)
    assert main([*cli, "import", "statement", str(statement)]) == 0
    assert "0 receipts recorded, 2 already recorded" in capsys.readouterr().out

    assert main([*cli, "receipts", "list", "--format", "json"]) == 0
    (queued,) = json.loads(capsys.readouterr().out)
    assert (queued["amount"], queued["counterparty_name"]) == ("99.00", "Nobody We Know")
    assert main([*cli, "receipts", "match", queued["receipt_id"], "--split",
                 "ACC-1=99.00:INV-2=99.00", "--reason", "phoned: it is theirs"]) == 0
    assert make_service(url)[0].account("ACC-1").invoices["INV-2"].outstanding == Decimal(0)

    capsys.readouterr()
    assert main([*cli, "receipts", "report", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["by_rule"]["manual"]["count"] == 1
    assert report["matched_automatically"] == 1


def test_a_statement_that_cannot_be_read_is_refused_naming_the_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    statement = tmp_path / "bad.csv"
    statement.write_text(STATEMENT.replace("99.00", "99.001"))
    assert main(["--database-url", url, "import", "statement", str(statement)]) == 2
    assert "line 3" in capsys.readouterr().out
