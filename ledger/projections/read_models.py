"""The read side as the entry points see it: keep up, wait for a position, query.

Queries run in a read transaction of the same datastore the events live in, over
the live tables the runner maintains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from ledger.application import LedgerApplication
from ledger.projections.aging import DEFAULT_EDGES, AgingRow, aging
from ledger.projections.projection import Tables
from ledger.projections.rebuild import Progress, rebuild
from ledger.projections.registry import all_projections, projections_named
from ledger.projections.runner import ProjectionRunner

T = TypeVar("T")


class ReadModels:
    def __init__(self, app: LedgerApplication, batch_size: int = 1000) -> None:
        self.app = app
        self.runner = ProjectionRunner(app, all_projections(), batch_size=batch_size)

    def tables(self, projection: str) -> Tables:
        return self.runner.live[projection]

    def catch_up(self) -> int:
        return self.runner.catch_up()

    def wait_for(self, position: int | None, timeout: float = 5.0) -> bool:
        return position is None or self.runner.wait_for(position, timeout)

    def lag(self) -> int:
        head = self.app.recorder.max_notification_id() or 0
        return head - self.runner.lowest_position()

    def rebuild(
        self, names: list[str] | None = None, batch_size: int = 5000,
        progress: Progress | None = None,
    ) -> int:
        return rebuild(self.app, projections_named(names), batch_size, progress)

    def read(self, query: Callable[[Any], T]) -> T:
        with self.app.datastore.transaction(commit=False) as session:
            return query(session)

    def aging(
        self,
        as_of: date,
        known_at: datetime | None = None,
        by: str = "account",
        edges: Sequence[int] = DEFAULT_EDGES,
        currency: str | None = None,
    ) -> list[AgingRow]:
        return self.read(
            lambda s: aging(s, self.tables("open_items"), as_of, known_at, by, edges, currency)
        )
