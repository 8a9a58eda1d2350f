"""ProcessDay: promises, plans and settlements reacting to time, and dunning.

The account owes USD 1000.00 on INV-1, issued 1 January and due 31 January
2026, so a tick on 1 February is one day past due.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.commands.accounts import (
    PlaceCreditHold,
    PlaceWithAgency,
    ReferToLegal,
    RequestCeaseCommunication,
)
from ledger.commands.base import Actor, Command, CommandResult
from ledger.commands.collections import (
    AgreePaymentPlan,
    AgreeSettlement,
    DecideSettlement,
    InstalmentLine,
    MakePromise,
    OpenDispute,
    ProcessDay,
    ResolveDispute,
)
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, OTHER_MANAGER, SERVICE
from tests.unit.given import (
    ACCOUNT,
    a_payment,
    an_account,
    an_invoice,
    event_types,
    events_of,
    outstanding,
    store_position,
)

DUE = date(2026, 1, 31)
AGREED = date(2026, 2, 2)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    return service


def tick(service: LedgerService, day: date) -> CommandResult:
    return service.execute(ProcessDay(account=ACCOUNT, day=day), SERVICE)


def days_past_due(days: int) -> date:
    return DUE + timedelta(days=days)


def payloads(service: LedgerService, event_type: str) -> list[dict[str, object]]:
    return [event["payload"] for event in events_of(service, event_type)]


def dates_of(service: LedgerService, event_type: str) -> list[str]:
    return [event["effective_on"] for event in events_of(service, event_type)]


# Promises ---------------------------------------------------------------------------


def promise(due: date, grace_days: int = 0, amount: str = "500.00") -> MakePromise:
    return MakePromise(
        account=ACCOUNT,
        promise_id="PTP-1",
        amount=Decimal(amount),
        currency="USD",
        due_date=due,
        grace_days=grace_days,
        effective_on=AGREED,
    )


def promise_status(service: LedgerService) -> str:
    return service.account(ACCOUNT).promises["PTP-1"].status


def test_promise_is_kept_when_payments_reach_it_by_the_due_date(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9)), AGENT)
    a_payment(account, "PAY-1", "300.00", date(2026, 2, 4))
    assert promise_status(account) == "open"

    result = a_payment(account, "PAY-2", "200.00", date(2026, 2, 9))

    assert result.events[-1] == "PromiseKept"
    assert dates_of(account, "PromiseKept") == ["2026-02-09"]
    tick(account, date(2026, 2, 10))
    assert "PromiseBroken" not in event_types(account)


def test_promise_kept_counts_cash_whatever_it_paid(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9)), AGENT)

    a_payment(account, "PAY-1", "500.00", date(2026, 2, 5), currency="EUR")
    assert promise_status(account) == "open", "cash in another currency does not count"
    an_invoice(account, "INV-2", "10.00", issue_date=date(2026, 2, 3))
    a_payment(account, "PAY-2", "500.00", date(2026, 2, 5), allocations=[("INV-2", "10.00")])

    assert promise_status(account) == "kept"


def test_promise_is_broken_the_day_after_it_falls_due_and_earlier_cash_does_not_count(
    account: LedgerService,
) -> None:
    a_payment(account, "PAY-0", "500.00", date(2026, 2, 1))
    account.execute(promise(date(2026, 2, 9)), AGENT)

    assert "PromiseBroken" not in tick(account, date(2026, 2, 9)).events
    result = tick(account, date(2026, 2, 10))

    assert "PromiseBroken" in result.events
    assert dates_of(account, "PromiseBroken") == ["2026-02-10"]
    assert promise_status(account) == "broken"


def test_promise_grace_days_delay_the_break(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9), grace_days=2), AGENT)

    tick(account, date(2026, 2, 11))
    assert promise_status(account) == "open"
    tick(account, date(2026, 2, 12))

    assert promise_status(account) == "broken"
    assert dates_of(account, "PromiseBroken") == ["2026-02-12"]
    assert payloads(account, "PromiseBroken") == [{"promise_id": "PTP-1", "received": "0.00"}]


def test_payment_within_the_grace_days_keeps_the_promise(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9), grace_days=2), AGENT)
    tick(account, date(2026, 2, 10))

    a_payment(account, "PAY-1", "500.00", date(2026, 2, 11))
    tick(account, date(2026, 2, 12))

    assert promise_status(account) == "kept"
    assert dates_of(account, "PromiseKept") == ["2026-02-11"]


def test_late_tick_dates_the_break_the_day_after_due_plus_grace(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9), grace_days=1), AGENT)

    tick(account, date(2026, 2, 25))

    assert dates_of(account, "PromiseBroken") == ["2026-02-11"]


def test_payment_after_the_deadline_breaks_the_promise_instead_of_keeping_it(
    account: LedgerService,
) -> None:
    account.execute(promise(date(2026, 2, 9)), AGENT)

    result = a_payment(account, "PAY-1", "500.00", date(2026, 2, 10))

    assert result.events[-1] == "PromiseBroken"


# Payment plans ----------------------------------------------------------------------


INSTALMENTS = (
    (date(2026, 2, 10), "300.00"),
    (date(2026, 3, 10), "300.00"),
    (date(2026, 4, 10), "400.00"),
)


def plan_of(service: LedgerService, grace_days: int = 0) -> None:
    service.execute(
        AgreePaymentPlan(
            account=ACCOUNT,
            plan_id="PLAN-1",
            currency="USD",
            instalments=tuple(
                InstalmentLine(due_date=due, amount=Decimal(amount)) for due, amount in INSTALMENTS
            ),
            grace_days=grace_days,
            effective_on=AGREED,
        ),
        AGENT,
    )


def plan_state(service: LedgerService) -> tuple[str, list[int]]:
    plan = service.account(ACCOUNT).plans["PLAN-1"]
    return plan.status, list(plan.missed)


def test_unpaid_instalment_is_missed_the_day_after_it_falls_due(account: LedgerService) -> None:
    plan_of(account)

    tick(account, date(2026, 2, 10))
    assert plan_state(account) == ("active", [])
    tick(account, date(2026, 2, 11))

    assert plan_state(account) == ("active", [1])
    assert payloads(account, "InstalmentMissed") == [
        {"plan_id": "PLAN-1", "number": 1, "due_date": "2026-02-10"}
    ]
    assert dates_of(account, "InstalmentMissed") == ["2026-02-11"]


def test_instalment_grace_days_delay_the_miss(account: LedgerService) -> None:
    plan_of(account, grace_days=3)

    tick(account, date(2026, 2, 13))
    assert plan_state(account) == ("active", [])
    tick(account, date(2026, 2, 14))
    assert plan_state(account) == ("active", [1])


def test_second_missed_instalment_breaks_the_plan(account: LedgerService) -> None:
    plan_of(account)
    tick(account, date(2026, 2, 11))

    result = tick(account, date(2026, 3, 11))

    assert result.events[:2] == ("InstalmentMissed", "PaymentPlanBroken")
    assert plan_state(account) == ("broken", [1, 2])


def test_first_tick_after_two_deadlines_misses_both_and_breaks_the_plan(
    account: LedgerService,
) -> None:
    plan_of(account)

    tick(account, date(2026, 3, 20))

    assert dates_of(account, "InstalmentMissed") == ["2026-02-11", "2026-03-11"]
    assert plan_state(account) == ("broken", [1, 2])


def test_instalments_paid_on_time_are_not_missed(account: LedgerService) -> None:
    plan_of(account)
    a_payment(account, "PAY-1", "300.00", date(2026, 2, 10))
    a_payment(account, "PAY-2", "300.00", date(2026, 3, 9))

    tick(account, date(2026, 3, 11))

    assert plan_state(account) == ("active", [])


def test_catching_up_after_a_miss_keeps_the_plan_alive(account: LedgerService) -> None:
    plan_of(account)
    tick(account, date(2026, 2, 11))
    a_payment(account, "PAY-1", "600.00", date(2026, 3, 1))

    tick(account, date(2026, 3, 11))

    assert plan_state(account) == ("active", [1])


def test_plan_is_completed_when_cash_covers_every_instalment(account: LedgerService) -> None:
    plan_of(account)
    a_payment(account, "PAY-1", "600.00", date(2026, 2, 9))

    result = a_payment(account, "PAY-2", "400.00", date(2026, 3, 1))

    assert result.events[-1] == "PaymentPlanCompleted"
    assert plan_state(account) == ("completed", [])
    tick(account, date(2026, 4, 30))
    assert "InstalmentMissed" not in event_types(account)


# Settlements ------------------------------------------------------------------------


def settle(service: LedgerService, amount: str, actor: Actor = AGENT) -> None:
    service.execute(
        AgreeSettlement(
            account=ACCOUNT,
            settlement_id="SET-1",
            amount=Decimal(amount),
            currency="USD",
            due_by=date(2026, 2, 16),
            effective_on=AGREED,
        ),
        actor,
    )


def settlement_status(service: LedgerService) -> str:
    return service.account(ACCOUNT).settlements["SET-1"].status


def test_completed_settlement_writes_off_the_remainder_as_a_discount(
    account: LedgerService,
) -> None:
    settle(account, "800.00")
    a_payment(account, "PAY-1", "500.00", date(2026, 2, 5))

    result = a_payment(account, "PAY-2", "300.00", date(2026, 2, 16))

    assert result.events[-2:] == ("SettlementCompleted", "InvoiceWrittenOff")
    assert settlement_status(account) == "completed"
    (discount,) = payloads(account, "InvoiceWrittenOff")
    assert (discount["kind"], discount["amount"], discount["ref"]) == (
        "settlement_discount",
        "200.00",
        "SET-1",
    )
    assert outstanding(account) == Decimal("0.00")


def test_settlement_not_paid_in_time_is_breached_and_the_full_balance_stands(
    account: LedgerService,
) -> None:
    settle(account, "800.00")
    a_payment(account, "PAY-1", "500.00", date(2026, 2, 5))

    tick(account, date(2026, 2, 16))
    assert settlement_status(account) == "agreed"
    tick(account, date(2026, 2, 17))

    assert settlement_status(account) == "breached"
    assert dates_of(account, "SettlementBreached") == ["2026-02-17"]
    assert "InvoiceWrittenOff" not in event_types(account)
    assert outstanding(account) == Decimal("500.00")


def test_settlement_awaiting_approval_discounts_nothing(account: LedgerService) -> None:
    an_invoice(account, "INV-2", "2000.00")
    settle(account, "1500.00", MANAGER)
    assert settlement_status(account) == "pending_approval"

    a_payment(account, "PAY-1", "1500.00", date(2026, 2, 5))
    tick(account, date(2026, 2, 16))  # its last day before it expires (14 days)

    assert settlement_status(account) == "pending_approval"
    assert "InvoiceWrittenOff" not in event_types(account)
    assert account.account(ACCOUNT).outstanding("USD") == Decimal("1500.00")


def test_approved_settlement_completes_on_the_next_payment(account: LedgerService) -> None:
    an_invoice(account, "INV-2", "2000.00")
    settle(account, "1500.00", MANAGER)
    account.execute(
        DecideSettlement(account=ACCOUNT, settlement_id="SET-1", approve=True, effective_on=AGREED),
        OTHER_MANAGER,
    )

    a_payment(account, "PAY-1", "1500.00", date(2026, 2, 5))

    assert settlement_status(account) == "completed"
    assert account.account(ACCOUNT).outstanding("USD") == Decimal("0.00")


# Dunning ----------------------------------------------------------------------------


def reminders(service: LedgerService) -> list[tuple[str, str, int, list[str]]]:
    return [
        (p["invoice_id"], p["level"], p["days_past_due"], p["skipped"])  # type: ignore[misc]
        for p in payloads(service, "ReminderSent")
    ]


def test_reminders_follow_the_days_past_due_once_per_invoice_and_level(
    account: LedgerService,
) -> None:
    for days in (0, 1, 1, 2, 14, 15, 16, 29, 30, 31, 45):
        tick(account, days_past_due(days))

    assert reminders(account) == [
        ("INV-1", "reminder_1", 1, []),
        ("INV-1", "reminder_2", 15, []),
        ("INV-1", "final_notice", 30, []),
    ]
    assert dates_of(account, "ReminderSent") == ["2026-02-01", "2026-02-15", "2026-03-02"]


def test_invoice_first_seen_late_gets_only_the_highest_reminder_with_the_rest_skipped(
    account: LedgerService,
) -> None:
    tick(account, days_past_due(20))
    tick(account, days_past_due(30))

    assert reminders(account) == [
        ("INV-1", "reminder_2", 20, ["reminder_1"]),
        ("INV-1", "final_notice", 30, []),
    ]


def test_each_overdue_invoice_gets_its_own_reminder(account: LedgerService) -> None:
    an_invoice(account, "INV-2", "50.00", due_date=date(2026, 1, 20))
    an_invoice(account, "INV-3", "50.00", due_date=date(2026, 3, 1))

    tick(account, days_past_due(1))

    assert reminders(account) == [
        ("INV-2", "reminder_1", 12, []),
        ("INV-1", "reminder_1", 1, []),
    ]


def test_paid_invoice_gets_no_reminder(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "1000.00", date(2026, 1, 20))

    assert tick(account, days_past_due(40)).events == ()


def test_no_reminder_while_the_invoice_is_wholly_disputed(account: LedgerService) -> None:
    account.execute(
        OpenDispute(
            account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1", amount=Decimal("1000.00"),
            reason="x",
        ),
        AGENT,
    )

    assert tick(account, days_past_due(1)).events == ()
    account.execute(ResolveDispute(account=ACCOUNT, dispute_id="D-1", outcome="rejected"), MANAGER)
    tick(account, days_past_due(5))

    assert reminders(account) == [("INV-1", "reminder_1", 5, [])]


@pytest.mark.parametrize(
    "restriction",
    [
        RequestCeaseCommunication(account=ACCOUNT, reason="letter"),
        PlaceWithAgency(account=ACCOUNT, agency_id="AG-1"),
        ReferToLegal(account=ACCOUNT, reason="claim"),
    ],
    ids=lambda command: type(command).__name__,
)
def test_no_dunning_while_collection_is_restricted(
    account: LedgerService, restriction: Command
) -> None:
    account.execute(restriction, MANAGER)

    for days in (1, 15, 30, 60, 90):
        assert tick(account, days_past_due(days)).events == ()
    assert account.account(ACCOUNT).credit_hold is False


def test_credit_hold_is_placed_at_sixty_days_past_due_once(account: LedgerService) -> None:
    tick(account, days_past_due(59))
    assert account.account(ACCOUNT).credit_hold is False

    result = tick(account, days_past_due(60))
    tick(account, days_past_due(61))

    assert result.events == ("ReminderSent", "CreditHoldPlaced", "NoticeSent")
    assert account.account(ACCOUNT).credit_hold is True
    (hold,) = payloads(account, "CreditHoldPlaced")
    assert hold["invoice_id"] == "INV-1"


def test_invoice_first_seen_at_sixty_five_days_gets_the_hold_notice_and_credit_hold(
    account: LedgerService,
) -> None:
    result = tick(account, days_past_due(65))

    assert result.events == ("ReminderSent", "CreditHoldPlaced", "NoticeSent")
    assert reminders(account) == [
        ("INV-1", "hold_notice", 65, ["reminder_1", "reminder_2", "final_notice"])
    ]


def test_no_second_credit_hold_when_one_is_already_in_place(account: LedgerService) -> None:
    account.execute(PlaceCreditHold(account=ACCOUNT, reason="manual"), MANAGER)

    tick(account, days_past_due(60))

    assert len(events_of(account, "CreditHoldPlaced")) == 1


def test_agency_placement_is_proposed_at_ninety_days(account: LedgerService) -> None:
    tick(account, days_past_due(89))
    assert "AgencyPlacementProposed" not in event_types(account)

    tick(account, days_past_due(90))
    tick(account, days_past_due(91))

    assert payloads(account, "AgencyPlacementProposed") == [
        {"invoice_id": "INV-1", "days_past_due": 90}
    ]


# Idempotency ------------------------------------------------------------------------


def test_running_the_same_day_twice_adds_no_events(account: LedgerService) -> None:
    account.execute(promise(date(2026, 2, 9)), AGENT)
    plan_of(account)
    an_invoice(account, "INV-2", "100.00", due_date=date(2026, 1, 15))
    first_days = [days_past_due(d) for d in (1, 10, 20, 40, 61, 95)]

    for day in first_days:
        tick(account, day)
        written = store_position(account)
        again = tick(account, day)
        assert again.events == ()
        assert store_position(account) == written, f"second tick of {day} wrote events"

    types = event_types(account)
    assert types.count("PromiseBroken") == 1
    assert types.count("PaymentPlanBroken") == 1
    assert types.count("CreditHoldPlaced") == 1


def test_ticking_an_earlier_day_after_a_later_one_adds_nothing(account: LedgerService) -> None:
    tick(account, days_past_due(30))
    written = store_position(account)

    for days in (1, 15, 29):
        tick(account, days_past_due(days))

    assert store_position(account) == written
