"""Keeps projections up to date with the event store's notification log.

Projections at the same position are advanced together: one read and one decode of
each batch, one transaction in which every projection's tracking row is
compared-and-set *before* its rows are written, so a second worker racing for the
same batch blocks on the tracking row and then rolls back instead of double-applying.
Notification ids may have gaps: positions are "the last id applied", never counts.
An event a projection cannot apply quarantines its account (`quarantine`) in that same
transaction, so the batch and the rest of the log still go through.

That transaction is the read models' database's (`read_database`): the event store's by
default, or a read database of their own, the batch then being read from the store's log
beforehand in a transaction of the store. Rows and tracking still commit together.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from ledger.application import LedgerApplication
from ledger.projections import quarantine, tracking
from ledger.projections.isolation import describe
from ledger.projections.log_batch import apply_notifications
from ledger.projections.projection import Positioned, Projection, Tables
from ledger.projections.read_database import ReadStore

log = logging.getLogger(__name__)

BeforeCommit = Callable[[Any, Sequence[Positioned]], None]


class ReadModelsBehind(Exception):
    """The read models did not reach a position a read needs in time."""


class ProjectionRunner:
    def __init__(
        self,
        app: LedgerApplication,
        projections: Sequence[Projection],
        batch_size: int = 1000,
        before_commit: BeforeCommit | None = None,
        store: ReadStore | None = None,
    ) -> None:
        """``store``: where the read models live (default: beside the events)."""
        self.app = app
        self.store: ReadStore = store or app.datastore
        self.projections = list(projections)
        self.batch_size = batch_size
        self.before_commit = before_commit
        self.after_batch: Callable[[], None] | None = None
        """Called by `follow` after batches were applied (periodic checkpoints)."""
        self.live: dict[str, Tables] = {p.name: p.live() for p in self.projections}
        self.setup()

    def setup(self) -> None:
        """Start tracking projections seen for the first time (their tables come from the
        migrations, `infra.migrations`)."""
        with self.store.transaction(commit=True) as session:
            for projection in self.projections:
                tracking.ensure(session, projection.name)

    def positions(self) -> dict[str, int]:
        with self.store.transaction(commit=False) as session:
            return {p.name: tracking.position(session, p.name) for p in self.projections}

    def run_once(self) -> int:
        """Apply at most one batch to each group of projections; return events applied."""
        groups: dict[int, list[Projection]] = defaultdict(list)
        positions = self.positions()
        for projection in self.projections:
            groups[positions[projection.name]].append(projection)
        applied = 0
        for start, group in sorted(groups.items()):
            try:
                applied += self._advance(start, group)
            except tracking.TrackingConflict as conflict:
                log.info("projection batch skipped: %s", conflict)
        return applied

    def _advance(self, start: int, group: list[Projection]) -> int:
        with self.store.transaction(commit=True) as session:
            notifications = self.app.recorder.select_notifications(
                start=start + 1, limit=self.batch_size
            )
            if not notifications:
                return 0
            last = notifications[-1].id
            for projection in group:
                tracking.advance(session, projection.name, start, last)
            book = quarantine.load(session, [p.name for p in group])
            events = apply_notifications(session, self.app, group, self.live, notifications,
                                         book)
            quarantine.save(session, book)
            if self.before_commit is not None:
                self.before_commit(session, events)
        for found in book.found:
            log.warning(found.log_line())
        return len(notifications)

    def catch_up(self) -> int:
        total = 0
        while applied := self.run_once():
            total += applied
        return total

    def lowest_position(self) -> int:
        return min(self.positions().values(), default=0)

    def wait_for(self, position: int, timeout: float = 5.0, interval: float = 0.02) -> bool:
        """Read-your-writes: wait until every projection has applied ``position``."""
        deadline = time.monotonic() + timeout
        while self.lowest_position() < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)
        return True

    def catch_up_to(self, position: int, timeout: float = 5.0, interval: float = 0.01) -> bool:
        """Read-your-writes without waiting for a follower: apply what is pending here until
        every projection has applied ``position``. A follower applying the same batch
        meanwhile wins the tracking row (`run_once` then applies nothing), and this waits
        for it instead; False once nothing moved for ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.lowest_position() < position:
            if self.run_once():
                deadline = time.monotonic() + timeout
            elif time.monotonic() >= deadline:
                return False
            else:
                time.sleep(interval)
        return True

    def follow(self, stop: threading.Event, interval: float = 0.2) -> None:
        """Keep up until told to stop; errors are retried, never fatal, and logged once
        each (with the traceback) rather than once per poll. `after_batch` runs after
        each batch applied here, or applied meanwhile by a read catching up
        (`catch_up_to`), which leaves such work (periodic checkpoints) to the follower."""
        failing = ""
        reached: int | None = None
        while not stop.is_set():
            try:
                applied = self.run_once()
                reached = self._after_batches(applied, reached)
            except Exception as error:  # noqa: BLE001 - a follower must survive a bad moment
                failing = _log_failure(error, failing)
                applied = 0
            else:
                if failing:
                    log.info("projection follower recovered from %s", failing)
                failing = ""
            if not applied:
                stop.wait(interval)

    def _after_batches(self, applied: int, reached: int | None) -> int | None:
        """Call `after_batch` if this poll applied a batch or the position moved since
        the last poll; return the position now."""
        if self.after_batch is None:
            return reached
        position = self.lowest_position()
        if applied or (reached is not None and position != reached):
            self.after_batch()
        return position

    def start_background(self, interval: float = 0.2) -> Callable[[], None]:
        """Follow in a daemon thread (the embedded server); returns a stop function."""
        stop = threading.Event()
        thread = threading.Thread(
            target=self.follow, args=(stop, interval), name="projection-follower", daemon=True
        )
        thread.start()

        def stop_following() -> None:
            stop.set()
            thread.join(timeout=5)

        return stop_following


def _log_failure(error: Exception, previous: str) -> str:
    seen = ": ".join(describe(error))
    if seen != previous:
        log.exception("projection follower failed; retrying until it works: %s", seen)
    return seen
