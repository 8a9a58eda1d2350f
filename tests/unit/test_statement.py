"""The statement of account, checked against a small example worked out by hand.

Account ACC-1 (USD, net 30). Before February: INV-0 1000.00 issued 5 Jan (due 4 Feb).
In February: INV-1 500.00 on the 3rd (due 5 Mar), PAY-1 300.00 on the 10th (paid
to INV-0, the oldest due), credit note CN-1 100.00 on INV-1 on the 15th, PAY-1
bounced on the 20th. In March: INV-2 200.00, outside the period.

    opening 31 Jan                       1000.00
    03 Feb  INV-1   debit  500.00        1500.00
    10 Feb  PAY-1   credit 300.00        1200.00
    15 Feb  CN-1    credit 100.00        1100.00
    20 Feb  PAY-1   debit  300.00        1400.00   = 1000 + 800 - 400
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates.errors import AccountNotFound, InvalidDates
from ledger.commands.collections import WriteOff
from ledger.commands.receivables import AdjustInvoice, ReversePayment
from ledger.projections.aging import aging
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.projection import Tables
from ledger.projections.runner import ProjectionRunner
from ledger.projections.statement import Statement, statement
from ledger.service import LedgerService
from tests.builders import MANAGER, SteppingClock
from tests.unit.given import ACCOUNT, a_payment, an_account, an_invoice

FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)


def D(value: str) -> Decimal:
    return Decimal(value)


@contextmanager
def open_items(service: LedgerService) -> Iterator[tuple[Any, Tables]]:
    runner = ProjectionRunner(service.app, [OpenItemsProjection()])
    runner.catch_up()
    with service.app.datastore.transaction(commit=False) as session:
        yield session, runner.live["open_items"]


def statements(service: LedgerService, start: date = FEB_1, end: date = FEB_28,
               known_at: datetime | None = None, account: str = ACCOUNT) -> list[Statement]:
    with open_items(service) as (session, tables):
        return statement(session, tables, account, start, end, known_at)


def credit_note(service: LedgerService, invoice_id: str, note_id: str, amount: str,
                on: date) -> None:
    service.execute(AdjustInvoice(account=ACCOUNT, invoice_id=invoice_id, note_id=note_id,
                                  kind="credit", amount=D(amount), effective_on=on), MANAGER)


def reversal(service: LedgerService, payment_id: str, on: date) -> None:
    service.execute(ReversePayment(account=ACCOUNT, payment_id=payment_id, reason="bounced",
                                   effective_on=on), MANAGER)


@pytest.fixture
def february(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-0", "1000.00", issue_date=date(2026, 1, 5))
    an_invoice(service, "INV-1", "500.00", issue_date=date(2026, 2, 3))
    a_payment(service, "PAY-1", "300.00", date(2026, 2, 10))
    credit_note(service, "INV-1", "CN-1", "100.00", date(2026, 2, 15))
    reversal(service, "PAY-1", date(2026, 2, 20))
    an_invoice(service, "INV-2", "200.00", issue_date=date(2026, 3, 2))
    return service


def test_statement_lists_the_periods_movements_with_running_balances(
    february: LedgerService,
) -> None:
    [usd] = statements(february)

    assert usd.opening_balance == D("1000.00")
    assert [(line.on_date.day, line.kind, line.document_id, line.debit, line.credit,
             line.balance) for line in usd.lines] == [
        (3, "invoice", "INV-1", D("500.00"), D("0.00"), D("1500.00")),
        (10, "payment", "PAY-1", D("0.00"), D("300.00"), D("1200.00")),
        (15, "credit_note", "CN-1", D("0.00"), D("100.00"), D("1100.00")),
        (20, "payment_reversed", "PAY-1", D("300.00"), D("0.00"), D("1400.00")),
    ]
    assert (usd.total_debits, usd.total_credits, usd.closing_balance) == (
        D("800.00"), D("300.00") + D("100.00"), D("1400.00")
    )
    assert usd.closing_balance == usd.opening_balance + usd.total_debits - usd.total_credits


def test_statement_shows_the_cash_received_not_its_allocations(
    february: LedgerService,
) -> None:
    [usd] = statements(february)

    payments = [line for line in usd.lines if line.document_id == "PAY-1"]
    assert [line.description for line in payments] == ["Payment received", "Payment reversed"]
    assert "allocation" not in {line.kind for line in usd.lines}


def test_statement_describes_each_line_for_the_customer(february: LedgerService) -> None:
    [usd] = statements(february)

    assert [line.description for line in usd.lines] == [
        "Invoice INV-1 (due 2026-03-05)",
        "Payment received",
        "Credit note on invoice INV-1",
        "Payment reversed",
    ]


def test_statement_footer_ages_what_is_owed_at_the_end_of_the_period(
    february: LedgerService,
) -> None:
    [usd] = statements(february)

    assert usd.aging["current"] == D("400.00")
    assert usd.aging["1-30"] == D("1000.00")
    assert sum(usd.aging.values()) == usd.outstanding == D("1400.00")
    assert usd.closing_balance == usd.outstanding - usd.unapplied_credit
    with open_items(february) as (session, tables):
        [portfolio_row] = aging(session, tables, FEB_28, by="account")
    assert (portfolio_row.buckets, portfolio_row.total) == (usd.aging, usd.outstanding)


def test_opening_balance_nets_unapplied_credit_and_a_reversal_debits_the_whole_payment(
    service: LedgerService,
) -> None:
    an_account(service)
    an_invoice(service, "INV-0", "1000.00", issue_date=date(2026, 1, 5))
    a_payment(service, "PAY-0", "1250.00", date(2026, 1, 20))
    reversal(service, "PAY-0", date(2026, 2, 6))

    [usd] = statements(service)

    assert usd.opening_balance == D("-250.00")
    assert [(line.kind, line.debit, line.balance) for line in usd.lines] == [
        ("payment_reversed", D("1250.00"), D("1000.00")),
    ]
    assert (usd.closing_balance, usd.unapplied_credit) == (D("1000.00"), D("0.00"))


def test_write_off_is_a_credit_line_on_the_statement(service: LedgerService) -> None:
    an_account(service)
    an_invoice(service, "INV-0", "1000.00", issue_date=date(2026, 1, 5))
    service.execute(WriteOff(account=ACCOUNT, invoice_id="INV-0", amount=D("40.00"),
                             reason="small balance", effective_on=date(2026, 2, 12)), MANAGER)

    [usd] = statements(service)

    [line] = usd.lines
    assert (line.kind, line.invoice_id, line.credit, line.balance) == (
        "write_off", "INV-0", D("40.00"), D("960.00")
    )


def test_an_account_with_two_currencies_gets_one_statement_per_currency(
    service: LedgerService,
) -> None:
    an_account(service)
    an_invoice(service, "INV-U", "100.00", issue_date=date(2026, 2, 2))
    an_invoice(service, "INV-E", "70.00", currency="EUR", issue_date=date(2026, 2, 3))
    a_payment(service, "PAY-E", "20.00", date(2026, 2, 9), currency="EUR")

    eur, usd = statements(service)

    assert (eur.currency, eur.closing_balance, [line.document_id for line in eur.lines]) == (
        "EUR", D("50.00"), ["INV-E", "PAY-E"]
    )
    assert (usd.currency, usd.closing_balance, [line.document_id for line in usd.lines]) == (
        "USD", D("100.00"), ["INV-U"]
    )


def test_known_at_leaves_out_a_backdated_payment_recorded_later(
    service: LedgerService, clock: SteppingClock
) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "500.00", issue_date=date(2026, 2, 3))
    clock.set_day(date(2026, 3, 5))
    a_payment(service, "PAY-LATE", "200.00", date(2026, 2, 10))

    [then] = statements(service, known_at=datetime(2026, 3, 1, tzinfo=UTC))
    [now] = statements(service)

    assert [line.document_id for line in then.lines] == ["INV-1"]
    assert then.closing_balance == then.outstanding == D("500.00")
    assert [line.document_id for line in now.lines] == ["INV-1", "PAY-LATE"]
    assert now.closing_balance == now.outstanding == D("300.00")


def test_opening_balance_is_the_balance_at_the_end_of_the_day_before_start(
    february: LedgerService,
) -> None:
    [from_the_third] = statements(february, start=date(2026, 2, 3))
    [from_the_fourth] = statements(february, start=date(2026, 2, 4))

    assert from_the_third.opening_balance == D("1000.00")
    assert from_the_fourth.opening_balance == D("1500.00")
    assert from_the_third.closing_balance == from_the_fourth.closing_balance


def test_an_account_with_nothing_yet_gets_a_zero_statement_in_its_currency(
    service: LedgerService,
) -> None:
    an_account(service)

    [usd] = statements(service)

    assert (usd.currency, usd.opening_balance, usd.lines, usd.closing_balance) == (
        "USD", D("0.00"), (), D("0.00")
    )


def test_statement_of_an_unknown_account_is_refused(february: LedgerService) -> None:
    with pytest.raises(AccountNotFound):
        statements(february, account="NO-SUCH")


def test_a_period_ending_before_it_starts_is_refused(february: LedgerService) -> None:
    with pytest.raises(InvalidDates):
        statements(february, start=FEB_28, end=FEB_1)
