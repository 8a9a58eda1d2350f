"""One account's planned actions, taken in the order the ledger will learn of them.

An action runs at its moment, looks at the account's book, and either gives
its commands (recorded at that moment) or decides the moment has passed. It
may plan further actions, never in the past: a plan for an earlier moment is
moved to now, so what comes out is always in non-decreasing recorded time.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

Action = Callable[[], None]


class Agenda:
    def __init__(self) -> None:
        self._planned: list[tuple[datetime, int, Action]] = []
        self._count = 0
        self.now = datetime.min.replace(tzinfo=UTC)

    def plan(self, at: datetime, action: Action) -> None:
        self._count += 1
        heapq.heappush(self._planned, (max(at, self.now), self._count, action))

    def due_until(self, limit: datetime) -> Iterator[Action]:
        """Actions in order of their moment, up to ``limit``; later ones never happen."""
        while self._planned and self._planned[0][0] <= limit:
            self.now, _, action = heapq.heappop(self._planned)
            yield action
