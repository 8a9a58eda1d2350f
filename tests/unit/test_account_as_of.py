"""Point-in-time reads: the account on a business date, as known at a recorded time.

The clock fixture is the ledger's recorded-time clock; ``clock.set_day`` moves it
forward so that a test can record a payment days after it was received.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates.errors import AccountNotFound
from ledger.commands.collections import OpenDispute, ResolveDispute
from ledger.commands.receivables import ReversePayment
from ledger.service import LedgerService
from tests.builders import MANAGER, SteppingClock, make_service
from tests.unit.given import ACCOUNT, a_payment, an_account, an_invoice, events_of


@pytest.fixture
def account(service: LedgerService, clock: SteppingClock) -> LedgerService:
    """INV-1: USD 1000.00 issued 1 January 2026, due 31 January, recorded that day."""
    clock.set_day(date(2026, 1, 1))
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    return service


def totals(view: dict[str, Any], currency: str = "USD") -> dict[str, str]:
    result: dict[str, str] = view["totals"][currency]
    return result


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


# Backdated events and known_at ------------------------------------------------------


@pytest.fixture
def backdated(account: LedgerService, clock: SteppingClock) -> LedgerService:
    """Given a payment received on 10 January that the ledger learns of on 15 January."""
    clock.set_day(date(2026, 1, 15))
    a_payment(account, "PAY-1", "400.00", date(2026, 1, 10))
    return account


def test_backdated_payment_changes_the_past_balance_once_it_is_known(
    backdated: LedgerService,
) -> None:
    on_12th = date(2026, 1, 12)

    as_known_then = backdated.account_as_of(ACCOUNT, on_12th, known_at=end_of(on_12th))
    as_known_later = backdated.account_as_of(ACCOUNT, on_12th, known_at=end_of(date(2026, 1, 16)))
    as_known_now = backdated.account_as_of(ACCOUNT, on_12th)

    assert totals(as_known_then)["outstanding"] == "1000.00"
    assert totals(as_known_later)["outstanding"] == "600.00"
    assert totals(as_known_now)["outstanding"] == "600.00"


def test_backdated_payment_does_not_change_the_balance_before_its_business_date(
    backdated: LedgerService,
) -> None:
    view = backdated.account_as_of(ACCOUNT, date(2026, 1, 9), known_at=end_of(date(2026, 1, 16)))

    assert totals(view)["outstanding"] == "1000.00"


def test_event_counts_from_the_instant_it_was_recorded(backdated: LedgerService) -> None:
    (received,) = events_of(backdated, "PaymentReceived")
    recorded = datetime.fromisoformat(received["recorded_at"].replace("Z", "+00:00"))
    on = date(2026, 1, 12)

    at_that_instant = backdated.account_as_of(ACCOUNT, on, known_at=recorded)
    just_before = backdated.account_as_of(
        ACCOUNT, on, known_at=recorded - timedelta(microseconds=1)
    )

    assert totals(at_that_instant)["outstanding"] == "600.00"
    assert totals(just_before)["outstanding"] == "1000.00"


def test_account_known_at_before_it_was_opened_is_not_found(account: LedgerService) -> None:
    with pytest.raises(AccountNotFound):
        account.account_as_of(
            ACCOUNT, date(2026, 1, 1), known_at=datetime(2025, 12, 31, tzinfo=UTC)
        )


def test_invoice_issued_after_the_as_of_date_is_not_listed(account: LedgerService) -> None:
    an_invoice(account, "INV-2", "50.00", issue_date=date(2026, 2, 1))

    view = account.account_as_of(ACCOUNT, date(2026, 1, 31))

    assert [row["invoice_id"] for row in view["invoices"]] == ["INV-1"]
    assert totals(view)["outstanding"] == "1000.00"


def test_overdue_counts_only_invoices_past_their_due_date(account: LedgerService) -> None:
    an_invoice(account, "INV-2", "50.00", issue_date=date(2026, 1, 20))

    on_due_date = account.account_as_of(ACCOUNT, date(2026, 1, 31))
    day_after = account.account_as_of(ACCOUNT, date(2026, 2, 1))

    assert totals(on_due_date)["overdue"] == "0.00"
    assert totals(day_after)["overdue"] == "1000.00"
    assert [r["days_past_due"] for r in day_after["invoices"]] == [1, -18]


# Disputed column --------------------------------------------------------------------


@pytest.fixture
def disputed(account: LedgerService, clock: SteppingClock) -> LedgerService:
    """Given 300.00 of INV-1 disputed on 1 February and the dispute rejected on 10 February."""
    clock.set_day(date(2026, 2, 1))
    account.execute(
        OpenDispute(
            account=ACCOUNT,
            dispute_id="D-1",
            invoice_id="INV-1",
            amount=Decimal("300.00"),
            reason="short delivery",
            effective_on=date(2026, 2, 1),
        ),
        MANAGER,
    )
    clock.set_day(date(2026, 2, 10))
    account.execute(
        ResolveDispute(
            account=ACCOUNT, dispute_id="D-1", outcome="rejected", effective_on=date(2026, 2, 10)
        ),
        MANAGER,
    )
    return account


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 1, 31), "0.00"),
        (date(2026, 2, 1), "300.00"),
        (date(2026, 2, 9), "300.00"),
        (date(2026, 2, 10), "0.00"),
    ],
)
def test_disputed_column_shows_what_was_in_dispute_on_the_date(
    disputed: LedgerService, as_of: date, expected: str
) -> None:
    view = disputed.account_as_of(ACCOUNT, as_of)

    assert totals(view)["disputed"] == expected
    assert view["invoices"][0]["disputed"] == expected
    assert totals(view)["outstanding"] == "1000.00", "disputed amounts stay in what is owed"
    assert len(view["open_disputes"]) == (1 if expected != "0.00" else 0)


def test_dispute_resolution_not_yet_known_keeps_it_open(disputed: LedgerService) -> None:
    view = disputed.account_as_of(ACCOUNT, date(2026, 2, 12), known_at=end_of(date(2026, 2, 5)))

    assert totals(view)["disputed"] == "300.00"
    assert view["open_disputes"] == [
        {"dispute_id": "D-1", "invoice_id": "INV-1", "amount": "300.00"}
    ]


# Unapplied credit -------------------------------------------------------------------


def test_unapplied_credit_is_reported_apart_and_not_netted_into_outstanding(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-1", "1100.00", date(2026, 1, 10))
    an_invoice(account, "INV-2", "300.00", issue_date=date(2026, 1, 20))

    view = account.account_as_of(ACCOUNT, date(2026, 1, 25))

    assert totals(view) == {
        "outstanding": "300.00",
        "overdue": "0.00",
        "disputed": "0.00",
        "unapplied_credit": "100.00",
        "balance": "200.00",
    }
    assert [row["invoice_id"] for row in view["invoices"]] == ["INV-2"]


def test_unapplied_credit_appears_on_the_payment_date_and_goes_with_its_reversal(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-1", "1100.00", date(2026, 1, 10))
    account.execute(
        ReversePayment(
            account=ACCOUNT, payment_id="PAY-1", reason="bounced", effective_on=date(2026, 1, 20)
        ),
        MANAGER,
    )

    def credit_and_owed(on: date) -> tuple[str, str]:
        view = totals(account.account_as_of(ACCOUNT, on))
        return view["unapplied_credit"], view["outstanding"]

    assert credit_and_owed(date(2026, 1, 9)) == ("0.00", "1000.00")
    assert credit_and_owed(date(2026, 1, 10)) == ("100.00", "0.00")
    assert credit_and_owed(date(2026, 1, 20)) == ("0.00", "1000.00")


def test_each_currency_has_its_own_totals(account: LedgerService) -> None:
    an_invoice(account, "INV-EUR", "70.00", currency="EUR")
    a_payment(account, "PAY-EUR", "100.00", date(2026, 1, 5), currency="EUR")

    view = account.account_as_of(ACCOUNT, date(2026, 1, 10))

    assert sorted(view["totals"]) == ["EUR", "USD"]
    assert totals(view, "EUR")["unapplied_credit"] == "30.00"
    assert totals(view, "USD")["outstanding"] == "1000.00"


# Determinism ------------------------------------------------------------------------


def build_history(service: LedgerService, clock: SteppingClock) -> None:
    """The same commands, ids and recorded times every time it is called on a fresh ledger."""
    from ledger.commands.accounts import OpenAccount
    from ledger.commands.receivables import IssueInvoice, RecordPayment

    clock.set_day(date(2026, 1, 1))
    service.execute(
        OpenAccount(account=ACCOUNT, name="Acme", currency="USD", command_id="c-1"), MANAGER
    )
    for number, amount in enumerate(("1000.00", "250.50", "19.99"), start=1):
        service.execute(
            IssueInvoice(
                account=ACCOUNT,
                invoice_id=f"INV-{number}",
                amount=Decimal(amount),
                currency="USD",
                issue_date=date(2026, 1, number),
                command_id=f"i-{number}",
            ),
            MANAGER,
        )
    clock.set_day(date(2026, 2, 3))
    service.execute(
        RecordPayment(
            account=ACCOUNT,
            payment_id="PAY-1",
            amount=Decimal("1100.00"),
            currency="USD",
            received_on=date(2026, 2, 1),
            command_id="p-1",
        ),
        MANAGER,
    )


def view_bytes(service: LedgerService, **query: Any) -> str:
    return json.dumps(service.account_as_of(ACCOUNT, date(2026, 2, 15), **query), sort_keys=True)


def test_the_same_events_give_byte_identical_views_on_two_ledgers() -> None:
    first, first_clock = make_service()
    second, second_clock = make_service()
    build_history(first, first_clock)
    build_history(second, second_clock)

    assert view_bytes(first) == view_bytes(second)
    assert view_bytes(first) == view_bytes(first)


def test_a_view_as_known_at_a_time_does_not_change_when_later_events_arrive() -> None:
    service, clock = make_service()
    build_history(service, clock)
    known_at = end_of(date(2026, 2, 3))
    before = view_bytes(service, known_at=known_at)

    clock.set_day(date(2026, 2, 20))
    a_payment(service, "PAY-2", "100.00", date(2026, 2, 10))

    assert view_bytes(service, known_at=known_at) == before
    assert view_bytes(service) != view_bytes(service, known_at=known_at)


def test_amounts_in_the_view_always_carry_the_currency_minor_units(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-JPY", "500", currency="JPY")

    view = account.account_as_of(ACCOUNT, date(2026, 1, 10))

    rows = {row["invoice_id"]: row for row in view["invoices"]}
    assert (rows["INV-1"]["disputed"], rows["INV-JPY"]["disputed"]) == ("0.00", "0")
    assert totals(view, "JPY") == {
        "outstanding": "500",
        "overdue": "0",
        "disputed": "0",
        "unapplied_credit": "0",
        "balance": "500",
    }
