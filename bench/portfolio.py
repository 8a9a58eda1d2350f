"""The benchmark portfolio: the demo's customers at scale, plus two heavy accounts.

Every account lives the demo's story (``ledger.demo``: currencies, agents, segments,
timezones; invoices, payments with allocations, credit notes, disputes, promises,
contacts, plans, settlements, a few write-offs and agency placements), each on its own
``Random`` so the portfolio is the same whatever its size. Two more accounts
(`HeavyAccount`) have about 10,000 and 1,000 events, for reading one big account.

The log is written a slice of the window at a time: within a slice, account by account
(each account's steps in their recorded order). A batch then touches a few dozen
accounts instead of thousands, so each is loaded once per slice rather than once per
command, which is what makes 1.5 million events take minutes rather than hours; and
the log still interleaves every account once per slice, as a real one would more finely.
Command ids are ``bench:{seed}:{n}`` in the order written: the same spec always gives
the same commands.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from bench.heavy_account import HeavyAccount
from ledger.demo import DemoStep
from ledger.demo.customers import build_customers
from ledger.demo.office_hours import Window
from ledger.demo.portfolio import CustomerStory
from ledger.service import LedgerService

HEAVY_EVENTS = (10_000, 1_000)
BATCH = 2_000  # steps per transaction


def heavy_number(events: int) -> str:
    return f"HEAVY-{events:05d}"


@dataclass(frozen=True)
class PortfolioSpec:
    accounts: int
    months: int = 16
    seed: int = 12
    end: date = date(2026, 11, 30)
    slices: int = 6
    heavy: tuple[int, ...] = HEAVY_EVENTS

    @property
    def window(self) -> Window:
        return Window.ending(self.end, self.months)

    @property
    def heavy_accounts(self) -> list[HeavyAccount]:
        return [HeavyAccount(heavy_number(n), n, self.window.start, self.end) for n in self.heavy]

    def slice_ends(self) -> list[datetime]:
        window, n = self.window, self.slices
        days = (window.end - window.start).days + 1
        ends = [window.start + timedelta(days=days * k // n) for k in range(1, n)]
        return [datetime.combine(d, time(0), tzinfo=UTC) for d in ends] + [
            window.limit + timedelta(minutes=1)
        ]

    def steps(self, share: int = 0, shares: int = 1) -> Iterator[DemoStep]:
        """Every step; or, for one of ``shares`` writers, those of every ``shares``-th
        account from the ``share``-th (numbered as in the whole portfolio)."""
        window = self.window
        customers = build_customers(self.accounts, random.Random(self.seed))
        stories = [
            Pending(CustomerStory(c, window, random.Random(c.seed)).run()) for c in customers
        ]
        stories += [Pending(heavy.steps()) for heavy in self.heavy_accounts]
        n = 0
        for boundary in self.slice_ends():
            for index, story in enumerate(stories):
                for step in story.until(boundary):
                    n += 1
                    if index % shares != share:
                        continue
                    command = step.command.model_copy(
                        update={"command_id": f"bench:{self.seed}:{n}"}
                    )
                    yield replace(step, command=command)


class Pending:
    """A story's steps, taken up to a moment at a time."""

    def __init__(self, steps: Iterator[DemoStep]) -> None:
        self._steps = steps
        self._next = next(steps, None)

    def until(self, moment: datetime) -> Iterator[DemoStep]:
        while self._next is not None and self._next.recorded_at < moment:
            yield self._next
            self._next = next(self._steps, None)


def write(
    service: LedgerService, steps: Iterator[DemoStep], after_batch: Callable[[int], None]
) -> Written:
    """Carry the steps out through ``execute_batch``, ``BATCH`` a transaction, with their
    recorded times and actors. A step the ledger refuses is skipped and counted: the
    demo's stories keep their own book of each account, which can disagree with the
    ledger's rules (an account the ledger already put on credit hold, say)."""
    written = Written()
    batch: list[DemoStep] = []
    for step in steps:
        batch.append(step)
        if len(batch) == BATCH:
            _execute(service, batch, written)
            after_batch(written.commands)
            batch = []
    if batch:
        _execute(service, batch, written)
        after_batch(written.commands)
    return written


@dataclass
class Written:
    commands: int = 0
    refused: dict[str, int] = field(default_factory=dict)  # by command, with the reason
    first_refusal: str = ""


def _execute(service: LedgerService, batch: list[DemoStep], written: Written) -> None:
    report = service.execute_batch(
        [s.command for s in batch], batch[0].actor, skip_invalid=True,
        recorded_at=[s.recorded_at for s in batch], actors=[s.actor for s in batch],
    )
    written.commands += len(batch)
    for position, error in sorted(report.errors.items()):
        key = f"{type(batch[position].command).__name__}: {error}"
        written.refused[key] = written.refused.get(key, 0) + 1
        written.first_refusal = written.first_refusal or f"{batch[position].command!r}"
