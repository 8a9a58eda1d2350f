"""Ticking portfolios' days: on demand (``POST /days/{date}/tick``) and by the scheduler.

A day's tick is what `colledger tick` does, for one portfolio's accounts: `ProcessDay` per
account with the command id ``tick:{day}:{number}``, so ticking a day twice changes
nothing. The scheduler ticks each portfolio's due days (`due_days`) one at a time, each
under the portfolio's claim (`TickedDays`), so that of several servers one ticks a day.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ledger.aggregates.business_dates import check_not_ahead
from ledger.aggregates.errors import NotFound
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.daily_loop.portfolios import Portfolios, due_days
from ledger.daily_loop.ticked_days import Claim, TickedDays
from ledger.service import LedgerService

log = logging.getLogger("scheduler")


class UnknownPortfolio(NotFound):
    pass


@dataclass(frozen=True)
class DayTicked:
    """One portfolio's day: accounts processed, events recorded (none on a repeat), and
    the accounts refused with why (a day not yet begun in an account's timezone)."""

    portfolio: str
    day: date
    accounts: int
    events: int
    refused: dict[str, str] = field(default_factory=dict)


class DailyLoop:
    def __init__(self, service: LedgerService, portfolios: Portfolios, days: TickedDays,
                 after_ticks: Callable[[], object] | None = None) -> None:
        self.service = service
        self.portfolios = portfolios
        self.days = days
        self.after_ticks = after_ticks
        """Run after each scheduled run that ticked a day (the notices' delivery)."""

    def tick(self, day: date, portfolio: str | None = None) -> list[DayTicked]:
        """Tick ``day`` for one portfolio or all, now; waits for a claim another holds."""
        check_not_ahead(day, self.service.clock(), what="the day to tick")
        if portfolio is not None and portfolio not in self.portfolios.names():
            raise UnknownPortfolio(f"no portfolio {portfolio!r}; configured: "
                                   f"{', '.join(self.portfolios.names())}")
        segments = self.service.account_segments()
        ticked = []
        for name in [portfolio] if portfolio else self.portfolios.names():
            with self.days.claimed(name, wait=True) as claim:
                assert claim is not None  # waited for it
                ticked.append(self._tick(claim, day, segments))
        return ticked

    def run_once(self) -> list[DayTicked]:
        """Every portfolio's due days, oldest first; nothing for one another server holds."""
        segments = self.service.account_segments()
        ticked = []
        for name in self.portfolios.names():
            while True:
                with self.days.claimed(name) as claim:
                    if claim is None:
                        break
                    due = due_days(self.portfolios.clock(name), claim.last_day,
                                   self.service.clock())
                    if not due:
                        break
                    ticked.append(self._tick(claim, due[0], segments))
        if ticked and self.after_ticks is not None:
            self.after_ticks()
        return ticked

    def _tick(self, claim: Claim, day: date, segments: dict[str, str]) -> DayTicked:
        numbers = sorted(n for n, s in segments.items()
                         if self.portfolios.of_segment(s) == claim.portfolio)
        commands = [ProcessDay(account=n, day=day, command_id=f"tick:{day}:{n}")
                    for n in numbers]
        report = self.service.execute_batch(commands, SYSTEM, skip_invalid=True)
        claim.record(day, self.service.clock())
        done = DayTicked(
            claim.portfolio, day, len(numbers),
            sum(len(r.events) for r in report.results.values() if not r.replayed),
            {numbers[p]: e.message for p, e in sorted(report.errors.items())},
        )
        log.info("ticked %s for portfolio %s: %d accounts, %d events, %d refused",
                 day, claim.portfolio, done.accounts, done.events, len(done.refused))
        return done

    def start_background(self, interval_seconds: float) -> Callable[[], None]:
        """Run every ``interval_seconds`` (first at once) in a daemon thread until stopped."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    self.run_once()
                except Exception:  # a failed run is retried at the next wake-up
                    log.exception("the scheduler's run failed")
                stop.wait(interval_seconds)

        thread = threading.Thread(target=loop, name="colledger-scheduler", daemon=True)
        thread.start()

        def stop_scheduler() -> None:
            stop.set()
            thread.join(timeout=60)

        return stop_scheduler
