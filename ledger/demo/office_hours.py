"""The demo's calendar: the window it covers, business days, local office hours.

Facts reach the ledger during the account's local office hours (converted to
UTC), on the business date or, now and then, a business day or two later.
Weekends are the only non-business days: the demo has no holiday calendar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

TICK_TIME = time(23, 0)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Window:
    """The ``months`` months ending on ``end``; nothing is recorded after ``end`` 23:59 UTC."""

    start: date
    end: date

    @classmethod
    def ending(cls, end: date, months: int) -> Window:
        return cls(add_months(end, -months) + timedelta(days=1), end)

    @property
    def limit(self) -> datetime:
        return datetime.combine(self.end, time(23, 59), tzinfo=UTC)

    def week_ends(self, after: date) -> list[date]:
        """The Sundays after ``after``, and ``end`` itself: when the weekly ProcessDay runs."""
        first = after + timedelta(days=6 - after.weekday() or 7)
        days = [first + timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)]
        days = [d for d in days if d <= self.end]
        return days if days and days[-1] == self.end else [*days, self.end]


def business_day(day: date) -> date:
    """``day`` itself when it is a weekday, else the Monday after."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def business_days_after(day: date, count: int) -> date:
    for _ in range(count):
        day = business_day(day + timedelta(days=1))
    return day


def local_moment(day: date, at: time, timezone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def office_time(rng: Random, first_hour: int = 9, last_hour: int = 17) -> time:
    """A minute between ``first_hour``:00 and ``last_hour``:45, local time."""
    minute = rng.randint(first_hour * 60, last_hour * 60 + 45)
    return time(minute // 60, minute % 60, rng.randint(0, 59))
