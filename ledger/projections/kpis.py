"""Collections KPIs for a period, per currency, as queries over the read models.

A period P runs from ``start`` to ``end`` inclusive (N days). Figures come from the
open-items and activity read models (``kpi_figures``), never from replays, and
are never converted between currencies: one ``KpiReport`` per currency.

Ratios are ``Decimal`` rounded to 2 places (half to even). A ratio whose
denominator is zero — a period without sales, without resolved promises — is
``None``: there is no honest number to show, and a zero would look like one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ledger.projections import kpi_figures as figures
from ledger.projections.amounts import from_minor
from ledger.projections.count_back_dso import CENT, count_back_dso
from ledger.projections.kpi_figures import Scope
from ledger.projections.projection import Tables


@dataclass
class KpiReport:
    """KPIs of one currency over ``start``..``end`` (``days`` = N).

    AR figures are gross (unapplied credit not deducted, disputed amounts included);
    ``ending_current_ar`` is the part of ending AR not yet past due on ``end``.
    ``average_days_delinquent`` is ``dso − best_possible_dso`` as rounded, so the
    three figures reconcile as displayed. ``cei``, ``promise_kept_percent`` and
    ``write_off_percent`` are percentages (0–100 for ordinary data).
    ``dispute_cycle_days`` is the median of days from opened to resolved.
    ``count_back_dso`` is defined in ``count_back_dso.count_back_dso``. Net credit
    sales below zero (more credit notes than sales) give negative ratios, shown as
    they are rather than hidden; only a zero denominator gives ``None``.
    """

    currency: str
    start: date
    end: date
    days: int
    beginning_ar: Decimal
    ending_ar: Decimal
    ending_current_ar: Decimal
    credit_sales: Decimal
    dso: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    count_back_dso: Decimal | None
    cei: Decimal | None
    promises_kept: int
    promises_broken: int
    promise_kept_percent: Decimal | None
    disputes_resolved: int
    dispute_cycle_days: Decimal | None
    written_off: Decimal
    recovered: Decimal
    net_written_off: Decimal
    write_off_percent: Decimal | None


def ratio(numerator: int, denominator: int, scale: int = 1) -> Decimal | None:
    """``numerator ÷ denominator × scale`` to 2 places, or ``None`` over a zero."""
    if denominator == 0:
        return None
    exact = Decimal(numerator) * scale / Decimal(denominator)
    return exact.quantize(CENT, rounding=ROUND_HALF_EVEN)


def median(values: list[int]) -> Decimal | None:
    """The median as a Decimal (an even count averages the middle two), or ``None``."""
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle]).quantize(CENT)
    return (Decimal(ordered[middle - 1] + ordered[middle]) / 2).quantize(CENT)


def _difference(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return None if left is None or right is None else left - right


@dataclass
class _Sums:
    """One currency's figures in minor units, before any ratio is taken."""

    beginning_ar: int = 0
    ending_ar: int = 0
    current_ar: int = 0
    sales: int = 0
    written_off: int = 0
    recovered: int = 0
    kept: int = 0
    broken: int = 0
    dispute_days: list[int] = field(default_factory=list)
    daily_sales: dict[date, int] = field(default_factory=dict)


Period = tuple[date, date]


def _gather(session: Any, t: Tables, a: Tables, scope: Scope,
            periods: Sequence[Period]) -> list[dict[str, _Sums]]:
    """Each period's sums per currency, from one pass of each table over their span; a
    currency is kept when any of its figures is not zero or it resolved a promise or a
    dispute."""
    first, last = min(start for start, _ in periods), max(end for _, end in periods)
    sums: list[dict[str, _Sums]] = [defaultdict(_Sums) for _ in periods]
    current = figures.current_receivables(session, t, scope, [e for _, e in periods])
    for cur, days in figures.movement_days(session, t, scope, last).items():
        for n, (start, end) in enumerate(periods):
            s = _from_movements(days, start, end)
            s.current_ar = current[n].get(cur, 0)
            if any((s.beginning_ar, s.ending_ar, s.current_ar, s.written_off, s.sales)):
                sums[n][cur] = s
    for cur, day, total in figures.recovered_days(session, a, scope, first, last):
        for n in _containing(periods, day):
            sums[n][cur].recovered += total
    for cur, status, day, count in figures.promise_outcome_days(session, a, scope, first, last):
        for n in _containing(periods, day):
            if status == "kept":
                sums[n][cur].kept += count
            else:
                sums[n][cur].broken += count
    for cur, day, duration in figures.dispute_durations(session, t, scope, first, last):
        for n in _containing(periods, day):
            sums[n][cur].dispute_days.append(duration)
    return [{cur: s for cur, s in period.items() if _reported(s)} for period in sums]


def _from_movements(days: dict[date, figures.Movements], start: date, end: date) -> _Sums:
    """``start``..``end`` of one currency's movements per day (all but the current AR)."""
    s = _Sums()
    for day, m in days.items():
        if day <= end:
            s.ending_ar += m.change
            if m.sales is not None:
                s.daily_sales[day] = m.sales
            if day < start:
                s.beginning_ar += m.change
            else:
                s.written_off += m.written_off
                s.sales += m.sales or 0
    return s


def _containing(periods: Sequence[Period], day: date) -> list[int]:
    return [n for n, (start, end) in enumerate(periods) if start <= day <= end]


def _reported(s: _Sums) -> bool:
    return any((s.beginning_ar, s.ending_ar, s.current_ar, s.written_off, s.recovered,
                s.sales, s.kept, s.broken, s.dispute_days))


def _report(currency: str, s: _Sums, start: date, end: date) -> KpiReport:
    n = (end - start).days + 1
    dso, best = ratio(s.ending_ar, s.sales, n), ratio(s.current_ar, s.sales, n)
    money = {name: from_minor(getattr(s, name), currency)
             for name in ("beginning_ar", "ending_ar", "written_off", "recovered")}
    return KpiReport(
        currency=currency, start=start, end=end, days=n, **money,
        ending_current_ar=from_minor(s.current_ar, currency),
        credit_sales=from_minor(s.sales, currency),
        dso=dso, best_possible_dso=best, average_days_delinquent=_difference(dso, best),
        count_back_dso=count_back_dso(s.ending_ar, s.daily_sales, end),
        cei=ratio(s.beginning_ar + s.sales - s.ending_ar,
                  s.beginning_ar + s.sales - s.current_ar, 100),
        promises_kept=s.kept, promises_broken=s.broken,
        promise_kept_percent=ratio(s.kept, s.kept + s.broken, 100),
        disputes_resolved=len(s.dispute_days), dispute_cycle_days=median(s.dispute_days),
        net_written_off=from_minor(s.written_off - s.recovered, currency),
        write_off_percent=ratio(s.written_off, s.sales, 100),
    )


def kpis(
    session: Any,
    open_items_tables: Tables,
    activity_tables: Tables,
    start: date,
    end: date,
    *,
    agent: str | None = None,
    segment: str | None = None,
    known_at: datetime | None = None,
    account: str | None = None,
    currency: str | None = None,
) -> list[KpiReport]:
    """KPIs for ``start``..``end`` inclusive, one report per currency, sorted by currency.

    ``agent`` and ``segment`` keep the accounts whose *current* agent or segment
    matches, ``account`` the account of that number, ``currency`` that currency's
    report; given together, they intersect. ``known_at`` keeps only what was recorded
    by then (movements, recoveries, disputes); promise outcomes are counted as
    currently known, since the read model keeps no recorded time for them. A currency
    is reported when it has any AR, sales, write-off, recovery, promise outcome or
    dispute resolution.
    """
    [reports] = kpi_periods(session, open_items_tables, activity_tables, [(start, end)],
                            agent=agent, segment=segment, known_at=known_at, account=account,
                            currency=currency)
    return reports


def kpi_periods(
    session: Any,
    open_items_tables: Tables,
    activity_tables: Tables,
    periods: Sequence[Period],
    *,
    agent: str | None = None,
    segment: str | None = None,
    known_at: datetime | None = None,
    account: str | None = None,
    currency: str | None = None,
) -> list[list[KpiReport]]:
    """`kpis` of each period, in the order given, from the same few statements whatever
    their number (a trend of twelve months costs about what one month does)."""
    for start, end in periods:
        if end < start:
            raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
    if not periods:
        return []
    scope = Scope(open_items_tables["accounts"], agent, segment, known_at, account, currency)
    sums = _gather(session, open_items_tables, activity_tables, scope, periods)
    return [[_report(cur, found[cur], start, end) for cur in sorted(found)]
            for found, (start, end) in zip(sums, periods, strict=True)]
