"""RecordPayment, AllocatePayment and ReversePayment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    CurrencyMismatch,
    DuplicateId,
    InvalidCommand,
    InvalidDates,
    InvoiceNotFound,
    NothingToPay,
    OverAllocation,
    PaymentAlreadyReversed,
    PaymentNotFound,
)
from ledger.commands.collections import OpenDispute
from ledger.commands.receivables import (
    AllocatePayment,
    AllocationLine,
    RecordPayment,
    ReversePayment,
)
from ledger.service import LedgerService
from tests.builders import MANAGER
from tests.unit.given import (
    ACCOUNT,
    a_payment,
    an_account,
    an_invoice,
    events_of,
    outstanding,
    rejected,
)

PAID_ON = date(2026, 1, 20)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    return service


def allocations_of(service: LedgerService, payment_id: str) -> dict[str, Decimal]:
    return dict(service.account(ACCOUNT).payments[payment_id].allocations)


def unapplied(service: LedgerService, payment_id: str) -> Decimal:
    return service.account(ACCOUNT).payments[payment_id].unapplied


def lines(*pairs: tuple[str, str]) -> tuple[AllocationLine, ...]:
    return tuple(AllocationLine(invoice_id=i, amount=Decimal(a)) for i, a in pairs)


def bounced(payment_id: str) -> ReversePayment:
    return ReversePayment(
        account=ACCOUNT, payment_id=payment_id, reason="bounced", effective_on=PAID_ON
    )


def test_payment_without_allocation_pays_oldest_due_first(account: LedgerService) -> None:
    an_invoice(account, "INV-NEW", "100.00", due_date=date(2026, 3, 1))
    an_invoice(account, "INV-OLD", "100.00", due_date=date(2026, 2, 1))

    result = a_payment(account, "PAY-1", "150.00", PAID_ON)

    assert result.events == ("PaymentReceived", "PaymentAllocated")
    assert allocations_of(account, "PAY-1") == {
        "INV-OLD": Decimal("100.00"),
        "INV-NEW": Decimal("50.00"),
    }
    assert events_of(account, "PaymentAllocated")[0]["payload"]["automatic"] is True


def test_automatic_allocation_breaks_due_date_ties_by_issue_date_then_invoice_id(
    account: LedgerService,
) -> None:
    due = date(2026, 2, 28)
    an_invoice(account, "INV-B", "10.00", issue_date=date(2026, 1, 5), due_date=due)
    an_invoice(account, "INV-A", "10.00", issue_date=date(2026, 1, 5), due_date=due)
    an_invoice(account, "INV-C", "10.00", issue_date=date(2026, 1, 2), due_date=due)

    a_payment(account, "PAY-1", "15.00", PAID_ON)

    assert allocations_of(account, "PAY-1") == {"INV-C": Decimal("10.00"), "INV-A": Decimal("5.00")}


def test_automatic_allocation_skips_the_disputed_part(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00", due_date=date(2026, 2, 1))
    an_invoice(account, "INV-2", "100.00", due_date=date(2026, 3, 1))
    account.execute(
        OpenDispute(
            account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1", amount=Decimal("80"), reason="x"
        ),
        MANAGER,
    )

    a_payment(account, "PAY-1", "50.00", PAID_ON)

    assert allocations_of(account, "PAY-1") == {
        "INV-1": Decimal("20.00"),
        "INV-2": Decimal("30.00"),
    }


def test_payment_beyond_open_invoices_leaves_unapplied_credit(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")

    a_payment(account, "PAY-1", "130.00", PAID_ON)

    assert outstanding(account) == Decimal("0.00")
    assert unapplied(account, "PAY-1") == Decimal("30.00")
    assert account.account(ACCOUNT).balance("USD") == Decimal("-30.00")


def test_payment_only_pays_invoices_in_its_own_currency(account: LedgerService) -> None:
    an_invoice(account, "INV-EUR", "100.00", currency="EUR")

    result = a_payment(account, "PAY-1", "40.00", PAID_ON)

    assert result.events == ("PaymentReceived",)
    assert outstanding(account, "INV-EUR") == Decimal("100.00")
    assert account.account(ACCOUNT).unapplied_credit("USD") == Decimal("40.00")


def test_payment_with_explicit_allocations_applies_exactly_those_and_keeps_the_rest(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-OLD", "100.00", due_date=date(2026, 2, 1))
    an_invoice(account, "INV-NEW", "100.00", due_date=date(2026, 3, 1))

    a_payment(account, "PAY-1", "100.00", PAID_ON, allocations=[("INV-NEW", "60.00")])

    assert allocations_of(account, "PAY-1") == {"INV-NEW": Decimal("60.00")}
    assert unapplied(account, "PAY-1") == Decimal("40.00")
    assert outstanding(account, "INV-OLD") == Decimal("100.00")
    assert events_of(account, "PaymentAllocated")[0]["payload"]["automatic"] is False


def test_explicit_allocation_lines_to_one_invoice_are_merged(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")

    a_payment(account, "PAY-1", "100.00", PAID_ON, allocations=[("INV-1", "30"), ("INV-1", "20")])

    assert allocations_of(account, "PAY-1") == {"INV-1": Decimal("50.00")}


def test_explicit_allocation_to_an_unknown_invoice_is_refused(account: LedgerService) -> None:
    with rejected(account, InvoiceNotFound):
        a_payment(account, "PAY-1", "10.00", PAID_ON, allocations=[("INV-404", "10.00")])


def test_explicit_allocation_to_an_invoice_in_another_currency_is_refused(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-EUR", "100.00", currency="EUR")

    with rejected(account, CurrencyMismatch):
        a_payment(account, "PAY-1", "10.00", PAID_ON, allocations=[("INV-EUR", "10.00")])


def test_explicit_allocation_above_the_invoice_outstanding_is_refused(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00")

    with rejected(account, AmountExceedsOutstanding):
        a_payment(account, "PAY-1", "200.00", PAID_ON, allocations=[("INV-1", "100.01")])


def test_explicit_allocation_into_the_disputed_part_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    account.execute(
        OpenDispute(
            account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1", amount=Decimal("10"), reason="x"
        ),
        MANAGER,
    )

    with rejected(account, AmountExceedsUndisputed):
        a_payment(account, "PAY-1", "100.00", PAID_ON, allocations=[("INV-1", "90.01")])


def test_explicit_allocations_above_the_payment_are_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    an_invoice(account, "INV-2", "100.00")

    with rejected(account, OverAllocation):
        a_payment(
            account, "PAY-1", "100.00", PAID_ON, allocations=[("INV-1", "60"), ("INV-2", "40.01")]
        )


def fitted(payment_id: str, amount: str, *pairs: tuple[str, str]) -> RecordPayment:
    return RecordPayment(account=ACCOUNT, payment_id=payment_id, amount=Decimal(amount),
                         currency="USD", received_on=PAID_ON, allocations=lines(*pairs),
                         fit_allocations=True)


def test_a_fitted_payment_gives_the_invoice_what_it_can_take_and_keeps_the_rest(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00")
    an_invoice(account, "INV-2", "500.00")
    account.execute(OpenDispute(account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1",
                                amount=Decimal("30.00"), reason="x"), MANAGER)

    account.execute(fitted("PAY-1", "300.00", ("INV-1", "300.00")), MANAGER)

    assert allocations_of(account, "PAY-1") == {"INV-1": Decimal("70.00")}
    assert unapplied(account, "PAY-1") == Decimal("230.00")
    (allocated,) = events_of(account, "PaymentAllocated")
    assert allocated["payload"]["automatic"] is False


def test_fitted_lines_to_one_invoice_share_what_it_can_take(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    an_invoice(account, "INV-2", "500.00")

    account.execute(fitted("PAY-1", "200.00", ("INV-1", "80.00"), ("INV-1", "80.00"),
                           ("INV-2", "10.00")), MANAGER)

    assert allocations_of(account, "PAY-1") == {"INV-1": Decimal("100.00"),
                                                "INV-2": Decimal("10.00")}
    assert unapplied(account, "PAY-1") == Decimal("90.00")


def test_a_fitted_payment_to_an_invoice_with_nothing_left_is_refused(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00")
    an_invoice(account, "INV-2", "100.00")
    a_payment(account, "PAY-1", "100.00", PAID_ON, allocations=[("INV-1", "100.00")])

    with rejected(account, NothingToPay) as refused:
        account.execute(fitted("PAY-2", "50.00", ("INV-1", "50.00")), MANAGER)
    assert "nothing left to pay" in refused.value.message
    assert outstanding(account, "INV-2") == Decimal("100.00"), "nothing went elsewhere"


@pytest.mark.parametrize(("invoice_id", "error"), [("INV-404", InvoiceNotFound),
                                                   ("INV-EUR", CurrencyMismatch)])
def test_a_fitted_payment_keeps_the_rules_of_explicit_ones(
    account: LedgerService, invoice_id: str, error: type[Exception]
) -> None:
    an_invoice(account, "INV-EUR", "100.00", currency="EUR")

    with rejected(account, error):
        account.execute(fitted("PAY-1", "50.00", (invoice_id, "50.00")), MANAGER)


def test_reusing_a_payment_id_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "10.00", PAID_ON)

    with rejected(account, DuplicateId):
        a_payment(account, "PAY-1", "20.00", PAID_ON)


def test_a_second_payment_with_the_same_bank_reference_is_refused(account: LedgerService) -> None:
    def payment(payment_id: str) -> RecordPayment:
        return RecordPayment(
            account=ACCOUNT,
            payment_id=payment_id,
            amount=Decimal("10.00"),
            currency="USD",
            received_on=PAID_ON,
            reference="BANK-7",
        )

    account.execute(payment("PAY-1"), MANAGER)

    with rejected(account, DuplicateId):
        account.execute(payment("PAY-2"), MANAGER)


def test_allocating_unapplied_credit_explicitly(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "100.00", date(2026, 1, 5))
    an_invoice(account, "INV-1", "70.00", issue_date=date(2026, 1, 10))

    result = account.execute(
        AllocatePayment(
            account=ACCOUNT, payment_id="PAY-1", allocations=lines(("INV-1", "70")),
            effective_on=date(2026, 1, 10),
        ),
        MANAGER,
    )

    assert result.events == ("PaymentAllocated",)
    assert outstanding(account) == Decimal("0.00")
    assert unapplied(account, "PAY-1") == Decimal("30.00")


def test_allocating_unapplied_credit_without_lines_pays_oldest_due_first(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-1", "100.00", date(2026, 1, 5))
    an_invoice(account, "INV-NEW", "80.00", due_date=date(2026, 3, 1))
    an_invoice(account, "INV-OLD", "80.00", due_date=date(2026, 2, 1))

    account.execute(AllocatePayment(account=ACCOUNT, payment_id="PAY-1"), MANAGER)

    assert allocations_of(account, "PAY-1") == {
        "INV-OLD": Decimal("80.00"),
        "INV-NEW": Decimal("20.00"),
    }


def test_allocating_a_fully_applied_payment_is_refused(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00")
    a_payment(account, "PAY-1", "100.00", PAID_ON)
    an_invoice(account, "INV-2", "100.00")

    with rejected(account, InvalidCommand):
        account.execute(AllocatePayment(account=ACCOUNT, payment_id="PAY-1"), MANAGER)


def test_allocating_credit_when_nothing_is_open_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "100.00", PAID_ON)

    with rejected(account, InvalidCommand):
        account.execute(AllocatePayment(account=ACCOUNT, payment_id="PAY-1"), MANAGER)


def test_allocating_more_than_the_unapplied_credit_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "50.00", PAID_ON)
    an_invoice(account, "INV-1", "100.00")

    with rejected(account, OverAllocation):
        account.execute(
            AllocatePayment(
                account=ACCOUNT, payment_id="PAY-1", allocations=lines(("INV-1", "51"))
            ),
            MANAGER,
        )


def test_allocating_a_reversed_payment_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "50.00", PAID_ON)
    account.execute(bounced("PAY-1"), MANAGER)
    an_invoice(account, "INV-1", "100.00")

    with rejected(account, PaymentAlreadyReversed):
        account.execute(AllocatePayment(account=ACCOUNT, payment_id="PAY-1"), MANAGER)


def test_allocating_credit_to_an_invoice_in_another_currency_is_refused(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-EUR", "50.00", PAID_ON, currency="EUR")
    an_invoice(account, "INV-1", "100.00")

    with rejected(account, CurrencyMismatch):
        account.execute(
            AllocatePayment(
                account=ACCOUNT, payment_id="PAY-EUR", allocations=lines(("INV-1", "50"))
            ),
            MANAGER,
        )


def test_allocating_an_unknown_payment_is_refused(account: LedgerService) -> None:
    with rejected(account, PaymentNotFound):
        account.execute(AllocatePayment(account=ACCOUNT, payment_id="PAY-404"), MANAGER)


def test_reversal_reopens_what_the_payment_paid_and_removes_its_credit(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00", due_date=date(2026, 2, 1))
    an_invoice(account, "INV-2", "100.00", due_date=date(2026, 3, 1))
    a_payment(account, "PAY-1", "250.00", PAID_ON)

    result = account.execute(
        ReversePayment(
            account=ACCOUNT, payment_id="PAY-1", reason="bounced", effective_on=date(2026, 1, 25)
        ),
        MANAGER,
    )

    state = account.account(ACCOUNT)
    assert result.events == ("PaymentReversed",)
    assert outstanding(account, "INV-1") == outstanding(account, "INV-2") == Decimal("100.00")
    assert state.invoices["INV-1"].due_date == date(2026, 2, 1)
    assert state.unapplied_credit("USD") == Decimal(0)
    (reversed_,) = events_of(account, "PaymentReversed")
    assert reversed_["payload"]["unapplied_removed"] == "50.00"
    assert [a["invoice_id"] for a in reversed_["payload"]["reopened"]] == ["INV-1", "INV-2"]


def test_reversing_a_payment_twice_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "50.00", PAID_ON)
    account.execute(bounced("PAY-1"), MANAGER)

    with rejected(account, PaymentAlreadyReversed):
        account.execute(
            ReversePayment(account=ACCOUNT, payment_id="PAY-1", reason="again"), MANAGER
        )


def test_reversal_dated_before_the_payment_was_received_is_refused(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-1", "50.00", PAID_ON)

    with rejected(account, InvalidDates):
        account.execute(
            ReversePayment(
                account=ACCOUNT, payment_id="PAY-1", reason="x", effective_on=date(2026, 1, 19)
            ),
            MANAGER,
        )


def test_reversing_an_unknown_payment_is_refused(account: LedgerService) -> None:
    with rejected(account, PaymentNotFound):
        account.execute(ReversePayment(account=ACCOUNT, payment_id="PAY-404", reason="x"), MANAGER)
