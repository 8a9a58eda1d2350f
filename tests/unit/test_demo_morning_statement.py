"""The demo's morning statement: the documented CSV layout, the same bytes for the same
portfolio, every line its own bank reference, and a morning with work for the cashier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from colledger.main import main
from ledger.cash.statements import parse_statement
from ledger.demo.morning_statement import morning_statement
from ledger.projections.owing_invoices import OwingInvoice
from tests.builders import make_service

DAY = date(2026, 12, 7)
OWING = [OwingInvoice(f"ACC-{n}", f"Customer {n} Ltd", f"INV-{n}", Decimal("120.50"), "EUR")
         for n in range(40)]


def test_the_statement_reads_back_and_is_the_same_for_the_same_portfolio() -> None:
    data = morning_statement(OWING, DAY, seed=7)
    (statement,) = parse_statement(data)
    references = [line.bank_reference for line in statement.lines]
    assert data == morning_statement(OWING, DAY, seed=7)
    assert len(statement.lines) == 30 and len(set(references)) == 30
    assert all(line.booked_on == DAY and line.direction == "credit" for line in statement.lines)
    assert any(line.remittance.startswith("Invoice INV-") for line in statement.lines)


def test_the_demo_leaves_a_morning_for_the_cashier(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert main(["--database-url", url, "demo", "--accounts", "12", "--months", "3",
                 "--end", "2026-11-30", "--morning-statement"]) == 0
    models = make_service(url)[0].read_models
    models.catch_up()
    report = models.cash_application_report(DAY)
    assert report.receipts > 0
    assert report.matched_automatically > 0
    assert report.by_status.get("unidentified", 0) > 0
