"""The CLI's read commands (aging, account list, account history) in every format, run
through ``colledger.main.main`` on a SQLite file that a service filled beforehand."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from colledger import rendering
from colledger.main import main
from ledger.commands.accounts import AssignAgent
from ledger.projections.aging import GROUPINGS
from ledger.service import LedgerService
from tests.builders import MANAGER, make_ledger, make_service
from tests.unit.given import a_payment, an_account, an_invoice

AGING = {
    "account": [("ACC-1", "800.00"), ("ACC-2", "250.00")],
    "agent": [("(unassigned)", "250.00"), ("agent-1", "800.00")],
    "segment": [("standard", "800.00"), ("trade", "250.00")],
    "currency": [("EUR", "250.00"), ("USD", "800.00")],
    "portfolio": [("EUR", "250.00"), ("USD", "800.00")],
}
"""Each aging row's first cell and total, per grouping: the key, or the currency for the
two groupings whose key says nothing (one currency, the whole portfolio)."""


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, LedgerService]]:
    """ACC-1 (USD, agent-1) owes 1000.00 and paid 200.00 of it; ACC-2 (EUR, trade,
    nobody's) owes 250.00."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, clock = make_service(url)
    clock.set_day(date(2026, 2, 10))
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "1000.00")
    a_payment(service, "PAY-1", "200.00", date(2026, 2, 1), allocations=[("INV-1", "200.00")])
    service.execute(AssignAgent(account="ACC-1", agent_id="agent-1"), MANAGER)
    an_account(service, "ACC-2", currency="EUR", segment="trade")
    an_invoice(service, "INV-9", "250.00", currency="EUR", account="ACC-2")
    monkeypatch.setattr(rendering.console, "_width", 200)
    yield url, service


def table_cells(out: str) -> list[list[str]]:
    """The header and body rows of the rich tables printed, as stripped cells."""
    return [[cell.strip() for cell in line[1:-1].split(line[0])]
            for line in out.splitlines() if line[:1] in ("┃", "│")]


@pytest.mark.parametrize("by", GROUPINGS)
def test_aging_shows_every_grouping_as_a_table(
    store: tuple[str, LedgerService], capsys: pytest.CaptureFixture[str], by: str
) -> None:
    url, _ = store

    assert main(["--database-url", url, "aging", "--as-of", "2026-03-31", "--by", by]) == 0

    header, *body = table_cells(capsys.readouterr().out)
    keyed = by not in ("currency", "portfolio")
    assert header[:2] == ([by.capitalize(), "Currency"] if keyed else ["Currency", "current"])
    assert header[-3] == "Total" and all(len(row) == len(header) for row in body)
    assert [(row[0], row[-3]) for row in body] == AGING[by]


def test_account_list_shows_name_currency_agent_and_what_is_owed(
    store: tuple[str, LedgerService], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = store

    assert main(["--database-url", url, "account", "list"]) == 0

    assert table_cells(capsys.readouterr().out) == [
        ["Account", "Name", "Currency", "Segment", "Agent", "Outstanding"],
        ["ACC-1", "Debtor ACC-1", "USD", "standard", "agent-1", "800.00 USD"],
        ["ACC-2", "Debtor ACC-2", "EUR", "trade", "-", "250.00 EUR"],
    ]


def test_account_list_as_json_and_csv_carries_the_same_columns(
    store: tuple[str, LedgerService], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = store

    assert main(["--database-url", url, "account", "list", "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["--database-url", url, "account", "list", "--format", "csv"]) == 0
    as_csv = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))

    assert as_json[0] == {"number": "ACC-1", "name": "Debtor ACC-1", "currency": "USD",
                          "segment": "standard", "agent": "agent-1",
                          "outstanding": {"USD": "800.00"}}
    assert as_json[1]["agent"] is None
    assert list(as_csv[0]) == ["number", "name", "currency", "segment", "agent", "outstanding"]
    assert [set(r) for r in as_csv] == [set(a) for a in as_json]
    assert [json.loads(r["outstanding"]) for r in as_csv] == [a["outstanding"] for a in as_json]


def test_history_as_csv_is_the_apis_history_export_row_for_row(
    store: tuple[str, LedgerService], capsys: pytest.CaptureFixture[str]
) -> None:
    url, service = store
    app = create_app(make_ledger(url)[0], follow=False)
    key = app.state.keys.create("auditor", "auditor-1")[1]
    app.state.read_models.catch_up()
    exported = TestClient(app).get("/accounts/ACC-1/history", params={"format": "csv"},
                                   headers={"X-API-Key": key})

    assert main(["--database-url", url, "account", "history", "ACC-1", "--format", "csv"]) == 0

    printed = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert printed == list(csv.reader(io.StringIO(exported.text, newline="")))
    header, *rows = printed
    assert header[-1] == "payload" and len(rows) == len(list(service.history("ACC-1")))
    payloads = {row[header.index("type")]: json.loads(row[-1]) for row in rows}
    assert payloads["PaymentReceived"]["amount"] == "200.00"
