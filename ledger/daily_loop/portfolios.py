"""Portfolios and the days they are due to tick: pure decisions, no I/O.

A portfolio is the accounts of a segment with one timezone and one cut-off time
(docs/domain.md, *The daily loop*). Its day D is due once D's cut-off has passed in its
timezone; every calendar day is due, since the rules count calendar days. Segments that
no setting names share the ``default`` portfolio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT = "default"
"""The portfolio of every segment not configured; configurable under this name too."""


@dataclass(frozen=True)
class PortfolioClock:
    """When a portfolio's day ends: ``cutoff`` (wall time) in ``timezone`` (IANA)."""

    timezone: str = "UTC"
    cutoff: time = time(18, 0)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{self.timezone!r} is not an IANA timezone") from None


@dataclass(frozen=True)
class Portfolios:
    """Each configured segment's clock, and the default portfolio's for the others."""

    by_segment: Mapping[str, PortfolioClock] = field(default_factory=dict)
    default: PortfolioClock = PortfolioClock()

    @classmethod
    def from_setting(cls, clocks: Mapping[str, PortfolioClock]) -> Portfolios:
        """``COLLEDGER_PORTFOLIOS``: segment -> clock, ``default`` for every other segment."""
        named = {k: v for k, v in clocks.items() if k != DEFAULT}
        return cls(named, clocks.get(DEFAULT, PortfolioClock()))

    def names(self) -> list[str]:
        return [*sorted(self.by_segment), DEFAULT]

    def clock(self, name: str) -> PortfolioClock:
        return self.default if name == DEFAULT else self.by_segment[name]

    def of_segment(self, segment: str) -> str:
        return segment if segment in self.by_segment else DEFAULT


def latest_due_day(clock: PortfolioClock, now: datetime) -> date:
    """Today in the portfolio's timezone once its cut-off has passed, else yesterday.

    The cut-off is compared as wall time: on a spring-forward day a cut-off inside the
    skipped hour passes when the clocks jump over it; on a fall-back day it passes at its
    first occurrence (and stays passed).
    """
    local = now.astimezone(ZoneInfo(clock.timezone))
    today = local.date()
    return today if local.time().replace(tzinfo=None) >= clock.cutoff else today - timedelta(1)


def due_days(clock: PortfolioClock, last_ticked: date | None, now: datetime) -> list[date]:
    """The days to tick at ``now``, oldest first: each day after ``last_ticked`` up to the
    latest due. A portfolio never ticked starts at the latest due day: earlier days are
    not guessed at (`colledger tick` or ``POST /days/{date}/tick`` backfill them)."""
    latest = latest_due_day(clock, now)
    if last_ticked is None:
        return [latest]
    return [last_ticked + timedelta(n) for n in range(1, (latest - last_ticked).days + 1)]
