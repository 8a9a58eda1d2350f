"""Count-back DSO: how many days of the most recent credit sales the ending AR represents.

Plain DSO averages sales over the period, so a big invoice on its last day distorts
it; counting back through the latest months' actual sales does not. This is a pure
function of the ending AR and a day-by-day sales series, so it is tested directly.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import accumulate

CENT = Decimal("0.01")


def shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months; a month-end stays a month-end (31 Mar − 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if at_month_end else min(day.day, last))


def months_back(end: date) -> Iterator[tuple[date, date]]:
    """Month-long windows ``(first, last)`` ending at ``end``, newest first.

    Ending on a month-end they are calendar months (1–31 Mar, 1–28 Feb, ...);
    ending on 15 Mar they are 16 Feb–15 Mar, 16 Jan–15 Feb, and so on.
    """
    upper, months = end, 0
    while True:
        months += 1
        previous = shift_months(end, -months)
        yield previous + timedelta(days=1), upper
        upper = previous


def count_back_dso(ending_ar: int, sales: Mapping[date, int], end: date) -> Decimal | None:
    """Days of sales in ending AR, counting back month by month from ``end``.

    Start with the ending AR (minor units). For each window of ``months_back(end)``,
    newest first, with S = that window's credit sales and D = its days:

    * if S > 0 and the AR left is at most S, add (AR left ÷ S) × D and stop;
    * otherwise add all D days and subtract S from the AR left (a window with
      net sales of zero or less subtracts nothing).

    The result is rounded to 2 places, half to even. An ending AR of zero or less
    gives 0.00. ``None`` means the AR left could not be matched to sales before the
    history ran out (which consistent data never produces: AR is made of sales).
    """
    if ending_ar <= 0:
        return Decimal(0).quantize(CENT)
    days_sorted = sorted(sales)
    if not days_sorted:
        return None
    running = [0, *accumulate(sales[d] for d in days_sorted)]
    remaining, counted = ending_ar, Decimal(0)
    for first, last in months_back(end):
        if last < days_sorted[0]:
            return None
        window_days = (last - first).days + 1
        window_sales = (running[bisect_right(days_sorted, last)]
                        - running[bisect_left(days_sorted, first)])
        if 0 < window_sales and remaining <= window_sales:
            fraction = Decimal(remaining) / Decimal(window_sales) * window_days
            return (counted + fraction).quantize(CENT, rounding=ROUND_HALF_EVEN)
        counted += window_days
        remaining -= max(window_sales, 0)
    raise AssertionError("months_back never ends")
