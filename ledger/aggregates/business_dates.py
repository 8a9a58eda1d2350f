"""Dates the world cannot have yet.

A payment received tomorrow or a call made in 2030 has not happened; accepting it
would put a fact in the ledger that later facts must contradict. The ledger's
clock is UTC and its customers live in every timezone, so "today" is the latest
calendar date anywhere on earth, except where an account's own timezone decides
(the daily tick, which judges promises by the account's calendar).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ledger.aggregates.errors import FutureDate, InvalidDates
from ledger.input_limits import CONTACT_CLOCK_SKEW, EARLIEST_DATE, LATEST_DATE, latest_today


def check_not_ahead(day: date, now: datetime, *, days_ahead: int = 0, what: str) -> None:
    """Refuse ``day`` when it lies more than ``days_ahead`` days after today anywhere."""
    latest = latest_today(now) + timedelta(days=days_ahead)
    if day > latest:
        allowance = f" (at most {days_ahead} days ahead)" if days_ahead else ""
        raise FutureDate(f"{what} {day} is after {latest}{allowance}: it has not happened yet")


def check_moment_not_ahead(moment: datetime, now: datetime, *, what: str) -> None:
    """Refuse a time later than now, beyond a few minutes of a caller's clock skew."""
    if moment > now + CONTACT_CLOCK_SKEW:
        raise FutureDate(f"{what} {moment.isoformat()} is after the ledger's clock "
                         f"({now.isoformat()}): it has not happened yet")


def check_day_begun(day: date, today: date) -> None:
    """The daily tick may process today, never a day that has not begun in the account's
    timezone: ticking ahead would break promises and plans early, irreversibly."""
    if day > today:
        raise FutureDate(f"day {day} has not begun yet in the account's timezone "
                         f"(today there is {today})")


def check_in_calendar(day: date, what: str) -> None:
    """A date derived from a time in another timezone (a contact's local day) may fall a
    day outside the years the ledger keeps; such a fact is refused, not stored."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidDates(f"{what} {day} is outside the years 1900 to 2199")
