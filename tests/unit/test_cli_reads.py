"""The CLI's read commands in every format, run through ``colledger.main.main`` on a
SQLite file that a service filled beforehand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from colledger import rendering
from colledger.main import main
from ledger.commands.accounts import AssignAgent
from ledger.projections.aging import GROUPINGS
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
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
