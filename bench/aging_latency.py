"""How long the aging report takes as of a past date, by account, currency and agent.

Each query runs once untimed (so the first timing does not pay for a cold cache or
the statement's first planning), then ``repeat`` times timed, as seen by a caller of
``ReadModels.aging``: the SQL, fetching the rows and turning them into ``AgingRow``s.
With ``known_at`` the same report is restricted to what had been recorded by then,
which adds a filter on recorded times to every table the query reads.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ledger.projections.read_models import ReadModels

GROUPINGS = ("account", "currency", "agent")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Latency:
    grouping: str
    known_at: datetime | None
    rows: int
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        """Nearest rank: with 10 samples this is the slowest one."""
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def measure(
    read_models: ReadModels, as_of: date, known_at: datetime | None, repeat: int, progress: Progress
) -> list[Latency]:
    results = []
    for when in (None, known_at):
        for grouping in GROUPINGS:
            rows = len(read_models.aging(as_of, known_at=when, by=grouping))
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                read_models.aging(as_of, known_at=when, by=grouping)
                samples.append(time.perf_counter() - started)
            result = Latency(grouping, when, rows, samples)
            progress(
                f"aging by {grouping}{' known_at' if when else ''}: "
                f"median {result.median_ms:,.0f} ms"
            )
            results.append(result)
    return results


def accounts_in(read_models: ReadModels) -> int:
    accounts = read_models.tables("open_items")["accounts"]
    query = select(func.count()).select_from(accounts)
    return int(read_models.read(lambda session: session.execute(query).scalar_one()))
