"""RecordContact under the contact policy.

At most 7 calls in 7 calendar days (the call's day and the 6 before, local);
no call for 7 days after a conversation, counting its day; calls from 08:00 to
before 21:00 local time, daylight saving applied; only permitted notices after
cease-communication; no collection while with an agency or legal, nor while
everything owed is disputed. A refusal names its rule and writes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import ContactRefused, DuplicateId
from ledger.commands.accounts import (
    OpenAccount,
    PlaceWithAgency,
    RecallFromAgency,
    ReferToLegal,
    RequestCeaseCommunication,
)
from ledger.commands.collections import OpenDispute, RecordContact, ResolveDispute
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, make_service
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of, rejected

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 1, 12)
COUNTER = iter(range(1_000_000))


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    """A UTC account owing USD 1000.00, undisputed."""
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    return service


@pytest.fixture
def new_yorker(service: LedgerService) -> LedgerService:
    an_account(service, timezone="America/New_York")
    an_invoice(service, "INV-1", "1000.00")
    return service


def contact(
    at: datetime,
    channel: str = "call",
    outcome: str = "no_answer",
    purpose: str = "collection",
) -> RecordContact:
    return RecordContact(
        account=ACCOUNT,
        contact_id=f"C-{next(COUNTER)}",
        channel=channel,
        outcome=outcome,
        purpose=purpose,
        at=at,
    )


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time, as the UTC instant an agent's phone system reports."""
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).astimezone(UTC)


def refusal(service: LedgerService, command: RecordContact) -> str:
    with rejected(service, ContactRefused) as raised:
        service.execute(command, AGENT)
    rule: str = raised.value.rule_id
    return rule


# Call frequency ---------------------------------------------------------------------


def test_seventh_call_in_seven_days_is_allowed_and_the_eighth_refused(
    account: LedgerService,
) -> None:
    for day in range(7):
        account.execute(contact(noon(MONDAY + timedelta(days=day))), AGENT)

    assert refusal(account, contact(noon(MONDAY + timedelta(days=6)) + timedelta(hours=1))) == (
        "call-frequency"
    )
    assert len(events_of(account, "ContactAttempted")) == 7


def test_call_window_slides_so_calls_seven_days_ago_no_longer_count(
    account: LedgerService,
) -> None:
    for hour in range(8, 15):
        account.execute(contact(datetime.combine(MONDAY, time(hour), tzinfo=UTC)), AGENT)

    assert refusal(account, contact(noon(MONDAY + timedelta(days=6)))) == "call-frequency"
    account.execute(contact(noon(MONDAY + timedelta(days=7))), AGENT)


def test_every_call_outcome_counts_but_other_channels_do_not(account: LedgerService) -> None:
    outcomes = ["no_answer", "left_message", "wrong_number", "refused", "no_answer"] * 2
    for outcome in outcomes[:7]:
        account.execute(contact(noon(MONDAY), outcome=outcome), AGENT)

    account.execute(contact(noon(MONDAY), channel="email", outcome="sent"), AGENT)
    assert refusal(account, contact(noon(MONDAY))) == "call-frequency"


# Call hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "hour", "minute", "allowed"),
    [
        (MONDAY, 7, 59, False),
        (MONDAY, 8, 0, True),
        (MONDAY, 20, 59, True),
        (MONDAY, 21, 0, False),
        (date(2026, 7, 6), 7, 59, False),
        (date(2026, 7, 6), 8, 0, True),
        (date(2026, 7, 6), 21, 0, False),
        (date(2026, 3, 8), 7, 59, False),
        (date(2026, 3, 8), 8, 0, True),
    ],
    ids=[
        "winter-0759",
        "winter-0800",
        "winter-2059",
        "winter-2100",
        "summer-0759",
        "summer-0800",
        "summer-2100",
        "dst-day-0759",
        "dst-day-0800",
    ],
)
def test_calls_are_allowed_from_eight_until_before_nine_local_time(
    new_yorker: LedgerService, day: date, hour: int, minute: int, allowed: bool
) -> None:
    command = contact(local(day, hour, minute))

    if allowed:
        new_yorker.execute(command, AGENT)
    else:
        assert refusal(new_yorker, command) == "call-hours"


def test_the_same_utc_time_is_too_early_before_the_spring_dst_change_and_fine_after(
    new_yorker: LedgerService,
) -> None:
    """Given 12:30 UTC: 07:30 EST on Friday 6 March, 08:30 EDT on Monday 9 March 2026."""
    assert refusal(new_yorker, contact(datetime(2026, 3, 6, 12, 30, tzinfo=UTC))) == "call-hours"

    new_yorker.execute(contact(datetime(2026, 3, 9, 12, 30, tzinfo=UTC)), AGENT)


def test_the_same_utc_time_is_fine_before_the_autumn_dst_change_and_too_early_after(
    new_yorker: LedgerService,
) -> None:
    """Given 12:30 UTC: 08:30 EDT on Friday 30 October, 07:30 EST on Monday 2 November 2026."""
    new_yorker.execute(contact(datetime(2026, 10, 30, 12, 30, tzinfo=UTC)), AGENT)

    assert refusal(new_yorker, contact(datetime(2026, 11, 2, 12, 30, tzinfo=UTC))) == "call-hours"


def test_contact_time_with_any_utc_offset_is_judged_in_the_account_timezone(
    new_yorker: LedgerService,
) -> None:
    paris = timezone(timedelta(hours=1))

    assert refusal(new_yorker, contact(datetime(2026, 1, 12, 13, 59, tzinfo=paris))) == (
        "call-hours"
    )
    new_yorker.execute(contact(datetime(2026, 1, 12, 14, 0, tzinfo=paris)), AGENT)


def test_contact_time_without_offset_is_refused_by_the_command() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        contact(datetime(2026, 1, 12, 12, 0))


def test_written_contact_is_not_bound_by_call_hours_and_dated_in_local_time(
    new_yorker: LedgerService,
) -> None:
    new_yorker.execute(
        contact(datetime(2026, 1, 13, 3, 0, tzinfo=UTC), channel="email", outcome="sent"), AGENT
    )

    (attempted,) = events_of(new_yorker, "ContactAttempted")
    assert attempted["effective_on"] == "2026-01-12"
    assert attempted["payload"]["at"] == "2026-01-13T03:00:00.000000Z"


# Conversation cooldown --------------------------------------------------------------


def test_no_call_for_seven_days_after_a_conversation_counting_its_day(
    account: LedgerService,
) -> None:
    account.execute(contact(noon(MONDAY), outcome="conversation"), AGENT)

    assert refusal(account, contact(noon(MONDAY) + timedelta(hours=2))) == "conversation-cooldown"
    assert refusal(account, contact(noon(MONDAY + timedelta(days=6)))) == "conversation-cooldown"
    account.execute(contact(noon(MONDAY + timedelta(days=7))), AGENT)


def test_conversation_cooldown_counts_local_days(new_yorker: LedgerService) -> None:
    """Given a conversation at 20:30 on 10 January in New York (01:30 UTC on the 11th)."""
    new_yorker.execute(contact(local(date(2026, 1, 10), 20, 30), outcome="conversation"), AGENT)

    late_on_the_16th = local(date(2026, 1, 16), 20, 30)
    assert late_on_the_16th.date() == date(2026, 1, 17)
    assert refusal(new_yorker, contact(late_on_the_16th)) == "conversation-cooldown"
    new_yorker.execute(contact(local(date(2026, 1, 17), 8, 0)), AGENT)


def test_written_contact_is_allowed_during_the_conversation_cooldown(
    account: LedgerService,
) -> None:
    account.execute(contact(noon(MONDAY), outcome="conversation"), AGENT)

    account.execute(contact(noon(MONDAY + timedelta(days=1)), "letter", "sent"), AGENT)


# Standing: cease-communication, placement, disputes ---------------------------------


def test_cease_communication_allows_only_permitted_notices(account: LedgerService) -> None:
    account.execute(RequestCeaseCommunication(account=ACCOUNT, reason="debtor letter"), MANAGER)
    day = noon(MONDAY)

    assert refusal(account, contact(day)) == "cease-communication"
    assert refusal(account, contact(day, "email", "sent")) == "cease-communication"
    assert refusal(account, contact(day, "email", "sent", "service")) == "cease-communication"
    assert refusal(account, contact(day, purpose="permitted_notice")) == "permitted-notice-channel"
    account.execute(contact(day, "letter", "sent", "permitted_notice"), AGENT)


def test_agency_placement_forbids_collection_contact_until_recalled(
    account: LedgerService,
) -> None:
    account.execute(PlaceWithAgency(account=ACCOUNT, agency_id="AG-1"), MANAGER)

    assert refusal(account, contact(noon(MONDAY))) == "placement"
    assert refusal(account, contact(noon(MONDAY), "letter", "sent")) == "placement"
    account.execute(contact(noon(MONDAY), purpose="service"), AGENT)

    account.execute(RecallFromAgency(account=ACCOUNT), MANAGER)
    account.execute(contact(noon(MONDAY)), AGENT)


def test_legal_referral_forbids_collection_contact(account: LedgerService) -> None:
    account.execute(ReferToLegal(account=ACCOUNT, reason="claim filed"), MANAGER)

    assert refusal(account, contact(noon(MONDAY))) == "placement"


def dispute(amount: str) -> OpenDispute:
    return OpenDispute(
        account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1", amount=Decimal(amount), reason="x"
    )


def test_collection_pauses_while_everything_owed_is_disputed(account: LedgerService) -> None:
    account.execute(dispute("1000.00"), AGENT)

    assert refusal(account, contact(noon(MONDAY))) == "dispute-pause"
    account.execute(contact(noon(MONDAY), purpose="service"), AGENT)

    account.execute(ResolveDispute(account=ACCOUNT, dispute_id="D-1", outcome="rejected"), MANAGER)
    account.execute(contact(noon(MONDAY) + timedelta(hours=1)), AGENT)


def test_collection_continues_for_the_undisputed_part(account: LedgerService) -> None:
    account.execute(dispute("999.99"), AGENT)

    account.execute(contact(noon(MONDAY)), AGENT)


# Recording --------------------------------------------------------------------------


def test_allowed_call_records_who_called_and_the_rules_evaluated(account: LedgerService) -> None:
    result = account.execute(contact(noon(MONDAY), outcome="left_message"), AGENT)

    assert result.events == ("ContactAttempted",)
    (attempted,) = events_of(account, "ContactAttempted")
    assert attempted["payload"]["agent_id"] == AGENT.actor_id
    assert attempted["payload"]["rules_evaluated"] == [
        "cease-communication",
        "placement",
        "dispute-pause",
        "call-hours",
        "conversation-cooldown",
        "call-frequency",
    ]


def test_reusing_a_contact_id_is_refused(account: LedgerService) -> None:
    first = contact(noon(MONDAY))
    account.execute(first, AGENT)

    with rejected(account, DuplicateId):
        account.execute(first.model_copy(update={"command_id": "another"}), AGENT)


def test_disabled_contact_policy_allows_any_contact() -> None:
    service, _ = make_service(contact_policy_enabled=False)
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")

    for minute in range(9):
        service.execute(contact(datetime(2026, 1, 12, 3, minute, tzinfo=UTC)), AGENT)

    assert len(events_of(service, "ContactAttempted")) == 9
    assert events_of(service, "ContactAttempted")[0]["payload"]["rules_evaluated"] == [
        "policy-disabled"
    ]


# Per-portfolio policy --------------------------------------------------------------


def test_a_portfolio_can_have_its_own_stricter_call_limit() -> None:
    service, _ = make_service(contact_policies_by_portfolio={"consumer": {"max_calls": 3}})
    for number, segment in (("ACC-CONSUMER", "consumer"), ("ACC-TRADE", "trade")):
        service.execute(OpenAccount(account=number, name=f"Debtor {number}", currency="USD",
                                    timezone="UTC", terms_days=30, segment=segment,
                                    effective_on=date(2026, 1, 1)), MANAGER)

    def call(number: str, minute: int) -> RecordContact:
        return contact(noon(MONDAY) + timedelta(minutes=minute)).model_copy(
            update={"account": number})

    for minute in range(3):
        service.execute(call("ACC-CONSUMER", minute), AGENT)
    with rejected(service, ContactRefused) as raised:
        service.execute(call("ACC-CONSUMER", 3), AGENT)
    assert raised.value.rule_id == "call-frequency"
    assert "at most 3 in 7 days" in str(raised.value)

    for minute in range(7):
        service.execute(call("ACC-TRADE", minute), AGENT)
    assert refusal(service, call("ACC-TRADE", 7)) == "call-frequency"
