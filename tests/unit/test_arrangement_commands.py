"""MakePromise, AgreePaymentPlan, AgreeSettlement and DecideSettlement (four eyes).

What the daily tick later does with these arrangements is in test_daily_tick.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    ArrangementNotFound,
    DuplicateId,
    FourEyesViolation,
    InvalidAmount,
    InvalidDates,
    NotAuthorised,
    PlanAlreadyActive,
    PromiseAlreadyOpen,
    RequestNotPending,
    SettlementAlreadyActive,
    UnknownCurrency,
)
from ledger.commands.collections import (
    AgreePaymentPlan,
    AgreeSettlement,
    DecideSettlement,
    InstalmentLine,
    MakePromise,
    WriteOff,
)
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, OTHER_MANAGER, make_service
from tests.unit.given import ACCOUNT, a_payment, an_account, an_invoice, rejected

TODAY = date(2026, 2, 2)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    """An account owing USD 3000.00 on two invoices."""
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    an_invoice(service, "INV-2", "2000.00")
    return service


def promise(
    amount: str = "500.00",
    due: date = TODAY + timedelta(days=7),
    promise_id: str = "PTP-1",
    currency: str = "USD",
) -> MakePromise:
    return MakePromise(
        account=ACCOUNT,
        promise_id=promise_id,
        amount=Decimal(amount),
        currency=currency,
        due_date=due,
        effective_on=TODAY,
    )


def plan(*instalments: tuple[int, str], plan_id: str = "PLAN-1") -> AgreePaymentPlan:
    return AgreePaymentPlan(
        account=ACCOUNT,
        plan_id=plan_id,
        currency="USD",
        instalments=tuple(
            InstalmentLine(due_date=TODAY + timedelta(days=days), amount=Decimal(amount))
            for days, amount in instalments
        ),
        effective_on=TODAY,
    )


def settlement(amount: str, settlement_id: str = "SET-1", days: int = 14) -> AgreeSettlement:
    return AgreeSettlement(
        account=ACCOUNT,
        settlement_id=settlement_id,
        amount=Decimal(amount),
        currency="USD",
        due_by=TODAY + timedelta(days=days),
        effective_on=TODAY,
    )


def decide(approve: bool, settlement_id: str = "SET-1") -> DecideSettlement:
    return DecideSettlement(
        account=ACCOUNT, settlement_id=settlement_id, approve=approve, effective_on=TODAY
    )


def status_of_settlement(service: LedgerService, settlement_id: str = "SET-1") -> str:
    return service.account(ACCOUNT).settlements[settlement_id].status


# Promises ---------------------------------------------------------------------------


def test_promise_is_recorded_open_with_its_due_date_and_grace(account: LedgerService) -> None:
    result = account.execute(promise().model_copy(update={"grace_days": 3}), AGENT)

    made = account.account(ACCOUNT).promises["PTP-1"]
    assert result.events == ("PromiseToPayMade",)
    assert (made.status, made.made_on, made.due_date, made.grace_days) == (
        "open",
        TODAY,
        TODAY + timedelta(days=7),
        3,
    )


def test_promise_may_fall_due_the_day_it_is_made(account: LedgerService) -> None:
    account.execute(promise(due=TODAY), AGENT)

    assert account.account(ACCOUNT).open_promise() is not None


def test_second_promise_while_one_is_open_is_refused(account: LedgerService) -> None:
    account.execute(promise(), AGENT)

    with rejected(account, PromiseAlreadyOpen):
        account.execute(promise(promise_id="PTP-2"), AGENT)


def test_new_promise_is_accepted_once_the_previous_one_is_kept(account: LedgerService) -> None:
    account.execute(promise("100.00"), AGENT)
    a_payment(account, "PAY-1", "100.00", TODAY)

    account.execute(promise(promise_id="PTP-2"), AGENT)

    assert account.account(ACCOUNT).promises["PTP-1"].status == "kept"


def test_reusing_a_promise_id_is_refused(account: LedgerService) -> None:
    account.execute(promise("100.00"), AGENT)
    a_payment(account, "PAY-1", "100.00", TODAY)

    with rejected(account, DuplicateId):
        account.execute(promise(), AGENT)


def test_promise_due_before_the_day_it_is_made_is_refused(account: LedgerService) -> None:
    with rejected(account, InvalidDates):
        account.execute(promise(due=TODAY - timedelta(days=1)), AGENT)


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [("0", "USD", InvalidAmount), ("1.234", "USD", InvalidAmount), ("1", "XYZ", UnknownCurrency)],
)
def test_promise_amount_must_be_valid_money(
    account: LedgerService, amount: str, currency: str, error: type[Exception]
) -> None:
    with rejected(account, error):
        account.execute(promise(amount, currency=currency), AGENT)


def test_promise_grace_days_above_31_are_refused_by_the_command() -> None:
    with pytest.raises(ValidationError):
        MakePromise.model_validate(promise().model_dump() | {"grace_days": 32})


# Payment plans ----------------------------------------------------------------------


def test_plan_is_agreed_with_numbered_instalments(account: LedgerService) -> None:
    result = account.execute(plan((10, "1000.00"), (40, "1000.00"), (70, "1000.00")), AGENT)

    agreed = account.account(ACCOUNT).plans["PLAN-1"]
    assert result.events == ("PaymentPlanAgreed",)
    assert [i.number for i in agreed.instalments] == [1, 2, 3]
    assert agreed.total == Decimal("3000.00")
    assert (agreed.status, agreed.agreed_on) == ("active", TODAY)


def test_plan_for_more_than_is_outstanding_is_refused(account: LedgerService) -> None:
    with rejected(account, AmountExceedsOutstanding):
        account.execute(plan((10, "1500.00"), (40, "1500.01")), AGENT)


@pytest.mark.parametrize(
    "instalments",
    [((40, "10"), (10, "10")), ((10, "10"), (10, "10")), ((-1, "10"), (10, "10"))],
    ids=["decreasing", "repeated", "first-before-agreement"],
)
def test_plan_instalment_dates_must_increase_from_the_agreement(
    account: LedgerService, instalments: tuple[tuple[int, str], ...]
) -> None:
    with rejected(account, InvalidDates):
        account.execute(plan(*instalments), AGENT)


def test_plan_instalment_of_zero_is_refused(account: LedgerService) -> None:
    with rejected(account, InvalidAmount):
        account.execute(plan((10, "100"), (20, "0")), AGENT)


def test_plan_without_instalments_is_refused_by_the_command() -> None:
    with pytest.raises(ValidationError):
        AgreePaymentPlan(account=ACCOUNT, plan_id="P", currency="USD", instalments=())


def test_second_active_plan_is_refused(account: LedgerService) -> None:
    account.execute(plan((10, "100.00")), AGENT)

    with rejected(account, PlanAlreadyActive):
        account.execute(plan((10, "100.00"), plan_id="PLAN-2"), AGENT)


def test_reusing_a_plan_id_is_refused(account: LedgerService) -> None:
    account.execute(plan((10, "100.00")), AGENT)
    a_payment(account, "PAY-1", "100.00", TODAY)
    assert account.account(ACCOUNT).plans["PLAN-1"].status == "completed"

    with rejected(account, DuplicateId):
        account.execute(plan((10, "100.00")), AGENT)


# Settlements ------------------------------------------------------------------------


def test_settlement_with_discount_at_the_threshold_is_agreed_directly(
    account: LedgerService,
) -> None:
    result = account.execute(settlement("2000.00"), AGENT)

    agreed = account.account(ACCOUNT).settlements["SET-1"]
    assert result.events == ("SettlementAgreed",)
    assert agreed.status == "agreed"
    assert agreed.invoice_ids == ["INV-1", "INV-2"]


def test_settlement_with_discount_above_the_threshold_waits_for_approval(
    account: LedgerService,
) -> None:
    result = account.execute(settlement("1999.99"), MANAGER)

    assert result.events == ("SettlementRequested",)
    assert status_of_settlement(account) == "pending_approval"


def test_settlements_can_have_their_own_threshold_and_one_per_currency() -> None:
    service, _ = make_service(settlement_four_eyes_threshold="100",
                              settlement_four_eyes_thresholds={"JPY": "50000"})
    an_account(service)
    an_invoice(service, "INV-1", "3000.00")
    an_account(service, "ACC-Y", currency="JPY")
    an_invoice(service, "INV-Y", "200000", currency="JPY", account="ACC-Y")

    assert service.execute(settlement("2899.99"), AGENT).events == ("SettlementRequested",)
    yen = settlement("160000").model_copy(update={"account": "ACC-Y", "currency": "JPY"})
    assert service.execute(yen, AGENT).events == ("SettlementAgreed",)


def test_write_off_thresholds_are_per_currency() -> None:
    service, _ = make_service(four_eyes_thresholds={"JPY": "150000"})
    an_account(service)
    an_invoice(service, "INV-Y", "200000", currency="JPY")

    written_off = WriteOff(account=ACCOUNT, invoice_id="INV-Y", amount=Decimal("150000"),
                           reason="uneconomic to pursue")
    assert service.execute(written_off, MANAGER).events == ("InvoiceWrittenOff",)


def test_settlement_approved_by_a_different_manager_is_agreed(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), MANAGER)

    result = account.execute(decide(True), OTHER_MANAGER)

    assert result.events == ("SettlementAgreed",)
    assert status_of_settlement(account) == "agreed"
    assert account.account(ACCOUNT).settlements["SET-1"].requested_by == MANAGER.actor_id


def test_settlement_approved_by_whoever_requested_it_is_refused(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), MANAGER)

    with rejected(account, FourEyesViolation):
        account.execute(decide(True), MANAGER)
    assert status_of_settlement(account) == "pending_approval"


def test_settlement_approved_by_an_agent_is_refused(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), MANAGER)

    with rejected(account, NotAuthorised):
        account.execute(decide(True), AGENT)


def test_settlement_rejected_by_a_manager_ends_it(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), AGENT)

    result = account.execute(decide(False), MANAGER)

    assert result.events == ("SettlementRejected",)
    assert status_of_settlement(account) == "rejected"
    account.execute(settlement("2500.00", "SET-2"), AGENT)


def test_deciding_a_settlement_that_is_not_pending_is_refused(account: LedgerService) -> None:
    account.execute(settlement("2500.00"), AGENT)

    with rejected(account, RequestNotPending):
        account.execute(decide(True), OTHER_MANAGER)


def test_deciding_an_unknown_settlement_is_refused(account: LedgerService) -> None:
    with rejected(account, ArrangementNotFound):
        account.execute(decide(True, "SET-404"), OTHER_MANAGER)


@pytest.mark.parametrize("amount", ["3000.00", "3000.01"])
def test_settlement_must_be_below_the_outstanding_balance(
    account: LedgerService, amount: str
) -> None:
    with rejected(account, AmountExceedsOutstanding):
        account.execute(settlement(amount), AGENT)


def test_settlement_due_before_it_is_agreed_is_refused(account: LedgerService) -> None:
    with rejected(account, InvalidDates):
        account.execute(settlement("2500.00", days=-1), AGENT)


def test_second_settlement_while_one_is_pending_is_refused(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), MANAGER)

    with rejected(account, SettlementAlreadyActive):
        account.execute(settlement("2500.00", "SET-2"), AGENT)


def test_reusing_a_settlement_id_is_refused(account: LedgerService) -> None:
    account.execute(settlement("1500.00"), AGENT)
    account.execute(decide(False), MANAGER)

    with rejected(account, DuplicateId):
        account.execute(settlement("2500.00"), AGENT)
