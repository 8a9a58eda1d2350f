"""An event store of a given size, filled with the demo portfolio scaled up.

The demo generator (``ledger.demo.demo_commands``) says how many accounts and months,
not how many events, so a small probe portfolio is executed in memory first to learn
how many events one account makes over those months, and the accounts are scaled to
reach the target.

The generator yields the whole portfolio in the order the ledger learns it, every
account's steps interleaved. Executed in that order, a batch of a few thousand steps
touches a few thousand accounts, and each of them must be loaded (replayed) for a
handful of commands: about 70 events/s on PostgreSQL. So the steps are taken a window
at a time and grouped by account within the window (a stable sort, so each account's
steps keep their order), which loads each account once per window: more than ten
times faster. Commands only ever touch their own account, so only the order *between*
accounts inside a window changes, and the recorded times are the generator's either way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from bench.measurements import close, events_in
from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.demo import DemoStep, demo_commands
from ledger.service import LedgerService

PROBE_ACCOUNTS = 200
# The probe's rate is a sample: aim a little high so the store reaches the target.
HEADROOM = 1.03
WINDOW = 250_000  # steps grouped by account at a time
BATCH = 2_000  # steps per transaction

Progress = Callable[[int], None]  # called with the store's event count


@dataclass(frozen=True)
class Portfolio:
    accounts: int
    months: int
    seed: int
    end: date

    def steps(self) -> Iterator[DemoStep]:
        return demo_commands(self.accounts, self.months, self.seed, self.end)


@dataclass(frozen=True)
class Generated:
    portfolio: Portfolio
    commands: int
    events: int
    seconds: float


def events_per_account(months: int, seed: int, end: date) -> float:
    """Events one demo account makes over ``months``, from a probe portfolio in memory."""
    probe = Portfolio(PROBE_ACCOUNTS, months, seed, end)
    service = bootstrap(Settings(database_url="sqlite:///:memory:")).service
    try:
        execute(service, probe.steps())
        return events_in(service.app) / PROBE_ACCOUNTS
    finally:
        close(service.app)


def accounts_for(events: int, per_account: float, at_least: int = 0) -> int:
    return max(math.ceil(events * HEADROOM / per_account), at_least, 1)


def generate(service: LedgerService, portfolio: Portfolio, progress: Progress) -> Generated:
    started = time.perf_counter()
    before = events_in(service.app)
    commands = execute(service, portfolio.steps(), lambda: progress(events_in(service.app)))
    seconds = time.perf_counter() - started
    return Generated(portfolio, commands, events_in(service.app) - before, seconds)


def execute(
    service: LedgerService,
    steps: Iterable[DemoStep],
    after_batch: Callable[[], None] = lambda: None,
) -> int:
    """Carry out the steps, one transaction per batch; returns how many there were."""
    done = 0
    for batch in batches_by_account(iter(steps)):
        report = service.execute_batch(
            [s.command for s in batch],
            batch[0].actor,
            recorded_at=[s.recorded_at for s in batch],
            actors=[s.actor for s in batch],
        )
        if report.errors:
            position, error = min(report.errors.items())
            raise RuntimeError(f"demo step rejected: {batch[position].command!r}: {error}")
        done += len(batch)
        after_batch()
    return done


def batches_by_account(
    steps: Iterator[DemoStep], window: int = WINDOW, size: int = BATCH
) -> Iterator[list[DemoStep]]:
    while chunk := list(islice(steps, window)):
        chunk.sort(key=lambda step: step.command.account)
        for start in range(0, len(chunk), size):
            yield chunk[start : start + size]
