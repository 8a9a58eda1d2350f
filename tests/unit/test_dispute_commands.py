"""OpenDispute and ResolveDispute (upheld with a credit note, or rejected)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import (
    AmountExceedsUndisputed,
    DisputeNotFound,
    DisputeNotOpen,
    DuplicateId,
    InvalidAmount,
    InvalidCommand,
    InvoiceNotFound,
)
from ledger.commands.collections import OpenDispute, ResolveDispute
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER
from tests.unit.given import (
    ACCOUNT,
    a_payment,
    an_account,
    an_invoice,
    events_of,
    rejected,
)

OPENED_ON = date(2026, 1, 10)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "100.00")
    return service


def dispute(amount: str, dispute_id: str = "D-1", invoice_id: str = "INV-1") -> OpenDispute:
    return OpenDispute(
        account=ACCOUNT,
        dispute_id=dispute_id,
        invoice_id=invoice_id,
        amount=Decimal(amount),
        reason="goods damaged",
        effective_on=OPENED_ON,
    )


def resolve(outcome: str, credit: str | None = None, dispute_id: str = "D-1") -> ResolveDispute:
    return ResolveDispute(
        account=ACCOUNT,
        dispute_id=dispute_id,
        outcome=outcome,
        credit_amount=None if credit is None else Decimal(credit),
        effective_on=date(2026, 1, 20),
    )


def test_opening_a_dispute_marks_part_of_the_invoice_disputed(account: LedgerService) -> None:
    result = account.execute(dispute("40.00"), AGENT)

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert result.events == ("DisputeOpened",)
    assert (invoice.disputed, invoice.undisputed) == (Decimal("40.00"), Decimal("60.00"))
    assert invoice.outstanding == Decimal("100.00"), "a dispute does not change what is owed"
    assert account.account(ACCOUNT).disputes["D-1"].opened_on == OPENED_ON


def test_disputes_on_one_invoice_may_not_exceed_its_outstanding_together(
    account: LedgerService,
) -> None:
    account.execute(dispute("60.00", "D-1"), AGENT)

    with rejected(account, AmountExceedsUndisputed):
        account.execute(dispute("40.01", "D-2"), AGENT)
    account.execute(dispute("40.00", "D-2"), AGENT)


def test_dispute_above_what_is_still_outstanding_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "70.00", date(2026, 1, 5))

    with rejected(account, AmountExceedsUndisputed):
        account.execute(dispute("30.01"), AGENT)


def test_reusing_a_dispute_id_is_refused(account: LedgerService) -> None:
    account.execute(dispute("10.00"), AGENT)

    with rejected(account, DuplicateId):
        account.execute(dispute("10.00"), AGENT)


def test_dispute_on_an_unknown_invoice_is_refused(account: LedgerService) -> None:
    with rejected(account, InvoiceNotFound):
        account.execute(dispute("10.00", invoice_id="INV-404"), AGENT)


@pytest.mark.parametrize("amount", ["0", "-1", "0.005"])
def test_dispute_amount_must_be_positive_in_minor_units(
    account: LedgerService, amount: str
) -> None:
    with rejected(account, InvalidAmount):
        account.execute(dispute(amount), AGENT)


def test_upheld_dispute_credits_the_whole_disputed_amount(account: LedgerService) -> None:
    account.execute(dispute("40.00"), AGENT)

    result = account.execute(resolve("upheld"), MANAGER)

    assert result.events == ("DisputeResolved", "InvoiceAdjusted")
    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert (invoice.outstanding, invoice.disputed) == (Decimal("60.00"), Decimal("0.00"))
    (note,) = events_of(account, "InvoiceAdjusted")
    assert note["payload"] | {"reason": None} == {
        "invoice_id": "INV-1",
        "note_id": "D-1:credit",
        "kind": "credit",
        "amount": "40.00",
        "reason": None,
    }


def test_upheld_dispute_with_a_smaller_credit_makes_the_rest_collectible_again(
    account: LedgerService,
) -> None:
    account.execute(dispute("40.00"), AGENT)

    account.execute(resolve("upheld", "15.00"), MANAGER)

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert invoice.outstanding == Decimal("85.00")
    assert invoice.undisputed == Decimal("85.00")
    assert account.account(ACCOUNT).disputes["D-1"].credited == Decimal("15.00")


def test_upheld_credit_above_the_disputed_amount_is_refused(account: LedgerService) -> None:
    account.execute(dispute("40.00"), AGENT)

    with rejected(account, InvalidAmount):
        account.execute(resolve("upheld", "40.01"), MANAGER)


def test_rejected_dispute_makes_the_whole_amount_collectible_without_a_credit_note(
    account: LedgerService,
) -> None:
    account.execute(dispute("40.00"), AGENT)

    result = account.execute(resolve("rejected"), MANAGER)

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert result.events == ("DisputeResolved",)
    assert (invoice.outstanding, invoice.undisputed) == (Decimal("100.00"), Decimal("100.00"))
    assert account.account(ACCOUNT).disputes["D-1"].outcome == "rejected"


def test_rejected_dispute_with_a_credit_amount_is_refused(account: LedgerService) -> None:
    account.execute(dispute("40.00"), AGENT)

    with rejected(account, InvalidCommand):
        account.execute(resolve("rejected", "10.00"), MANAGER)


def test_resolving_a_dispute_twice_is_refused(account: LedgerService) -> None:
    account.execute(dispute("40.00"), AGENT)
    account.execute(resolve("rejected"), MANAGER)

    with rejected(account, DisputeNotOpen):
        account.execute(resolve("upheld"), MANAGER)


def test_resolving_an_unknown_dispute_is_refused(account: LedgerService) -> None:
    with rejected(account, DisputeNotFound):
        account.execute(resolve("upheld", dispute_id="D-404"), MANAGER)


def test_resolution_dated_before_the_dispute_was_opened_is_refused(account: LedgerService) -> None:
    account.execute(dispute("40.00"), AGENT)

    with rejected(account, InvalidCommand):
        account.execute(
            resolve("rejected").model_copy(update={"effective_on": date(2026, 1, 9)}), MANAGER
        )


def test_outcome_other_than_upheld_or_rejected_is_refused_by_the_command() -> None:
    with pytest.raises(ValidationError):
        ResolveDispute(account=ACCOUNT, dispute_id="D-1", outcome="withdrawn")
