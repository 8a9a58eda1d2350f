"""The next time the contact policy permits a call: permitted itself, and nothing earlier
after now is (examples, then hypothesis over histories, times and zones)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.aggregates.contact_policy import (
    CALL,
    Attempt,
    ContactPolicy,
    Standing,
    check_contact,
)
from ledger.aggregates.errors import ContactRefused
from ledger.aggregates.next_call import next_permitted_call
from ledger.aggregates.state import ContactRecord

POLICY = ContactPolicy()
CHICAGO = "America/Chicago"
ZONES = (CHICAGO, "Europe/London", "Asia/Tokyo", "Australia/Lord_Howe", "UTC")


def standing(zone: str = CHICAGO, **kw: object) -> Standing:
    fields: dict[str, object] = {"cease_communication": False, "agency_id": None,
                                 "legal_referral": False, "only_disputed_is_owed": False}
    return Standing(zone, **{**fields, **kw})  # type: ignore[arg-type]


def local(day: int, hour: int, minute: int = 0, zone: str = CHICAGO) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def call(at: datetime, outcome: str = "no_answer") -> ContactRecord:
    return ContactRecord(f"CT-{at:%d%H%M%S}", CALL, outcome, at, "collection", "agent-1")


def permitted(history: list[ContactRecord], at: datetime, zone: str = CHICAGO) -> bool:
    try:
        check_contact(standing(zone), history, Attempt(CALL, "collection", at), POLICY)
    except ContactRefused:
        return False
    return True


def test_a_call_within_hours_is_permitted_now() -> None:
    now = local(2, 10, 17)
    assert next_permitted_call(standing(), [], now, POLICY) == now


def test_at_21_30_the_next_call_is_at_8_the_next_local_morning() -> None:
    assert next_permitted_call(standing(), [], local(2, 21, 30), POLICY) == local(3, 8)


def test_before_8_the_next_call_is_at_8_the_same_day() -> None:
    assert next_permitted_call(standing(), [], local(2, 6, 5), POLICY) == local(2, 8)


def test_after_a_conversation_the_next_call_is_after_the_quiet_days() -> None:
    history = [call(local(2, 9), "conversation")]
    assert next_permitted_call(standing(), history, local(2, 12), POLICY) == local(9, 8)


def test_seven_calls_in_the_window_wait_for_the_oldest_to_leave_it() -> None:
    history = [call(local(day, 9)) for day in range(2, 9)]
    assert next_permitted_call(standing(), history, local(8, 12), POLICY) == local(9, 8)


def test_rules_no_date_ends_have_no_next_call() -> None:
    now = local(2, 10)
    for blocked in (standing(cease_communication=True), standing(agency_id="AGY-1"),
                    standing(legal_referral=True), standing(only_disputed_is_owed=True)):
        assert next_permitted_call(blocked, [], now, POLICY) is None


def test_a_disabled_policy_permits_now_whatever_the_hour() -> None:
    now = local(2, 23)
    assert next_permitted_call(standing(), [], now, ContactPolicy(enabled=False)) == now


histories = st.lists(
    st.tuples(st.integers(0, 12), st.integers(8, 20), st.sampled_from(
        ["no_answer", "left_message", "conversation", "wrong_number"])),
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(histories, st.integers(0, 14 * 24 * 60 - 1), st.sampled_from(ZONES),
       st.lists(st.floats(0, 1, exclude_max=True), min_size=5, max_size=5))
def test_the_next_call_is_permitted_and_no_earlier_minute_after_now_is(
    drawn: list[tuple[int, int, str]], minute: int, zone: str, fractions: list[float],
) -> None:
    start = datetime(2026, 3, 1, tzinfo=ZoneInfo(zone))
    now = start.astimezone(UTC) + timedelta(minutes=minute, seconds=17)
    made = [(start + timedelta(days=d, hours=h)).astimezone(UTC) for d, h, _ in drawn]
    history = [call(at, outcome) for at, (_, _, outcome) in zip(made, drawn, strict=True)
               if at <= now]

    found = next_permitted_call(standing(zone), history, now, POLICY)

    assert found is not None and found >= now
    assert permitted(history, found, zone)
    minutes = int((found - now).total_seconds() // 60)
    earlier = [now + timedelta(minutes=int(f * minutes)) for f in fractions]
    for step in range(0, minutes, max(1, minutes // 200)):
        earlier.append(now + timedelta(minutes=step))
    assert not any(permitted(history, at, zone) for at in earlier if at < found)


def test_calls_from_and_until_come_from_the_policy() -> None:
    late = ContactPolicy(calls_from=time(10, 30), calls_until=time(12))
    assert next_permitted_call(standing(), [], local(2, 12), late) == local(3, 10, 30)
