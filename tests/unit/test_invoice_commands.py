"""IssueInvoice and AdjustInvoice (credit and debit notes)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import (
    AccountNotFound,
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    DuplicateId,
    InvalidAmount,
    InvalidDates,
    InvoiceNotFound,
)
from ledger.commands.accounts import ChangeTerms
from ledger.commands.collections import OpenDispute
from ledger.commands.receivables import AdjustInvoice, IssueInvoice
from ledger.service import LedgerService
from tests.builders import MANAGER
from tests.unit.given import (
    ACCOUNT,
    OPENED,
    a_payment,
    an_account,
    an_invoice,
    event_types,
    events_of,
    outstanding,
    rejected,
)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    return service


def note(kind: str, amount: str, note_id: str = "N-1", invoice_id: str = "INV-1") -> AdjustInvoice:
    return AdjustInvoice(
        account=ACCOUNT, invoice_id=invoice_id, note_id=note_id, kind=kind, amount=Decimal(amount)
    )


def test_invoice_without_due_date_is_due_after_the_account_terms(account: LedgerService) -> None:
    result = an_invoice(account, "INV-1", "250.00", issue_date=date(2026, 1, 10))

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert result.events == ("InvoiceIssued",)
    assert invoice.due_date == date(2026, 2, 9)
    assert invoice.outstanding == Decimal("250.00")


def test_invoice_due_date_follows_terms_changed_before_it_was_issued(
    account: LedgerService,
) -> None:
    account.execute(ChangeTerms(account=ACCOUNT, terms_days=14), MANAGER)

    an_invoice(account, "INV-1", issue_date=date(2026, 1, 10))

    assert account.account(ACCOUNT).invoices["INV-1"].due_date == date(2026, 1, 24)


def test_invoice_with_explicit_due_date_keeps_it_and_its_issue_date_is_its_business_date(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", issue_date=date(2025, 12, 1), due_date=date(2025, 12, 1))

    (issued,) = events_of(account, "InvoiceIssued")
    assert issued["effective_on"] == "2025-12-01"
    assert issued["payload"]["due_date"] == "2025-12-01"


def test_invoice_amount_is_normalised_to_the_currency_minor_units(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "10")
    an_invoice(account, "INV-2", "10", currency="JPY")
    an_invoice(account, "INV-3", "10.5", currency="KWD")

    (usd, jpy, kwd) = (i["payload"]["amount"] for i in events_of(account, "InvoiceIssued"))
    assert (usd, jpy, kwd) == ("10.00", "10", "10.500")


def test_invoice_in_another_currency_than_the_account_is_accepted(account: LedgerService) -> None:
    an_invoice(account, "INV-EUR", "80.00", currency="EUR")

    assert account.account(ACCOUNT).invoices["INV-EUR"].currency == "EUR"
    assert account.account(ACCOUNT).outstanding("USD") == Decimal(0)
    assert account.account(ACCOUNT).outstanding("EUR") == Decimal("80.00")


def test_invoice_reference_is_recorded_as_an_external_id(account: LedgerService) -> None:
    account.execute(
        IssueInvoice(
            account=ACCOUNT,
            invoice_id="INV-1",
            amount=Decimal("1.00"),
            currency="USD",
            issue_date=OPENED,
            reference="ERP-42",
        ),
        MANAGER,
    )

    assert account.account(ACCOUNT).external_ids == {"invoice:ERP-42": "INV-1"}


def test_reissuing_an_invoice_id_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1")

    with rejected(account, DuplicateId):
        an_invoice(account, "INV-1", "5.00")


def test_due_date_before_issue_date_is_refused(account: LedgerService) -> None:
    with rejected(account, InvalidDates):
        an_invoice(account, issue_date=date(2026, 2, 1), due_date=date(2026, 1, 31))


def test_invoice_on_an_unknown_account_is_refused(account: LedgerService) -> None:
    with rejected(account, AccountNotFound):
        an_invoice(account, account="NOPE")


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_invoice_amount_must_be_positive(account: LedgerService, amount: str) -> None:
    with rejected(account, InvalidAmount):
        an_invoice(account, amount=amount)


def test_credit_note_lowers_outstanding_and_debit_note_raises_it(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "1000.00")

    account.execute(note("credit", "100.00", "CN-1"), MANAGER)
    account.execute(note("debit", "30.00", "DN-1"), MANAGER)

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert (invoice.credit_notes, invoice.debit_notes) == (Decimal("100.00"), Decimal("30.00"))
    assert invoice.outstanding == Decimal("930.00")
    assert event_types(account)[-2:] == ["InvoiceAdjusted", "InvoiceAdjusted"]


def test_debit_note_raises_the_ceiling_a_later_credit_note_may_reach(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00")
    account.execute(note("debit", "20.00", "DN-1"), MANAGER)

    account.execute(note("credit", "120.00", "CN-1"), MANAGER)

    assert outstanding(account) == Decimal("0.00")


def test_credit_note_above_outstanding_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    a_payment(account, "PAY-1", "60.00", date(2026, 1, 5))

    with rejected(account, AmountExceedsOutstanding):
        account.execute(note("credit", "40.01"), MANAGER)


def test_credit_note_into_the_disputed_part_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    account.execute(
        OpenDispute(
            account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1", amount=Decimal("70"), reason="x"
        ),
        MANAGER,
    )

    with rejected(account, AmountExceedsUndisputed):
        account.execute(note("credit", "30.01"), MANAGER)
    account.execute(note("credit", "30.00"), MANAGER)
    assert outstanding(account) == Decimal("70.00")


def test_reusing_a_note_id_on_the_same_invoice_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    account.execute(note("credit", "10.00", "CN-1"), MANAGER)

    with rejected(account, DuplicateId):
        account.execute(note("debit", "10.00", "CN-1"), MANAGER)


def test_note_on_an_unknown_invoice_is_refused(account: LedgerService) -> None:
    with rejected(account, InvoiceNotFound):
        account.execute(note("credit", "10.00", invoice_id="INV-404"), MANAGER)


@pytest.mark.parametrize("amount", ["0", "-5.00", "0.001"])
def test_note_amount_must_be_positive_and_in_minor_units(
    account: LedgerService, amount: str
) -> None:
    an_invoice(account, "INV-1")

    with rejected(account, InvalidAmount):
        account.execute(note("debit", amount), MANAGER)


def test_note_kind_other_than_credit_or_debit_is_refused_by_the_command() -> None:
    with pytest.raises(ValidationError):
        AdjustInvoice(
            account=ACCOUNT, invoice_id="I", note_id="N", kind="refund", amount=Decimal("1")
        )


def test_note_takes_its_business_date_from_the_command(account: LedgerService) -> None:
    an_invoice(account, "INV-1")
    on = OPENED + timedelta(days=3)

    account.execute(note("credit", "1.00").model_copy(update={"effective_on": on}), MANAGER)

    (adjusted,) = events_of(account, "InvoiceAdjusted")
    assert adjusted["effective_on"] == on.isoformat()
    assert adjusted["payload"]["kind"] == "credit"
