"""Which days a portfolio is due to tick at an instant (`ledger.daily_loop.portfolios`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.daily_loop.portfolios import PortfolioClock, due_days, latest_due_day

ZONES = ("UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
         "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/Santiago")
clocks = st.builds(PortfolioClock, st.sampled_from(ZONES), st.times())
instants = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC))
gaps = st.integers(min_value=-3, max_value=40)


def local(clock: PortfolioClock, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(clock.timezone))


@given(clocks, instants, gaps)
def test_no_day_is_due_before_its_cut_off_has_passed_in_the_portfolios_timezone(
    clock: PortfolioClock, now: datetime, gap: int
) -> None:
    here = local(clock, now)
    for day in due_days(clock, here.date() - timedelta(gap), now):
        assert day < here.date() or (day == here.date() and here.time() >= clock.cutoff)


@given(clocks, instants, gaps)
def test_days_are_due_in_order_from_the_day_after_the_last_ticked_to_the_latest(
    clock: PortfolioClock, now: datetime, gap: int
) -> None:
    last = latest_due_day(clock, now) - timedelta(gap)
    due = due_days(clock, last, now)
    assert due == [last + timedelta(n) for n in range(1, len(due) + 1)]
    assert len(due) == max(gap, 0)


@given(clocks, instants)
def test_a_portfolio_never_ticked_starts_at_the_latest_due_day(
    clock: PortfolioClock, now: datetime
) -> None:
    assert due_days(clock, None, now) == [latest_due_day(clock, now)]


@given(clocks, instants, st.timedeltas(timedelta(0), timedelta(days=3)))
def test_the_latest_due_day_never_goes_back_as_time_passes(
    clock: PortfolioClock, now: datetime, later: timedelta
) -> None:
    """Also across daylight saving: wall time jumps, the due day does not."""
    assert latest_due_day(clock, now) <= latest_due_day(clock, now + later)


@given(clocks, instants)
def test_a_day_is_due_within_a_day_of_its_end(clock: PortfolioClock, now: datetime) -> None:
    """Every calendar day comes due: no day is skipped by the cut-off."""
    today = local(clock, now).date()
    assert today - timedelta(1) <= latest_due_day(clock, now) <= today


def test_a_cut_off_in_the_hour_skipped_by_daylight_saving_passes_when_the_clocks_jump() -> None:
    london = PortfolioClock("Europe/London", time(1, 30))
    spring = date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
    assert latest_due_day(london, datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == spring - timedelta(1)
    assert latest_due_day(london, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == spring


def test_a_cut_off_in_the_hour_repeated_by_daylight_saving_passes_at_its_first_occurrence() -> None:
    new_york = PortfolioClock("America/New_York", time(1, 30))
    autumn = date(2026, 11, 1)  # 01:00 to 02:00 EDT, then 01:00 to 02:00 EST again
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert latest_due_day(new_york, first - timedelta(minutes=1)) == autumn - timedelta(1)
    assert latest_due_day(new_york, first) == autumn
    assert latest_due_day(new_york, first + timedelta(hours=1)) == autumn  # 01:30 EST


def test_an_unknown_timezone_is_refused() -> None:
    with pytest.raises(ValueError, match="not an IANA timezone"):
        PortfolioClock("Mars/Olympus_Mons")
