"""Reading the whole log: rebuilding every read model, and the bare library's read.

The baseline reads the same notifications in the same batch size and decodes each
into its domain event, which a rebuild must do too, and does nothing else. So the
rebuild's rate beside it shows what the projections' own work costs: building rows,
currency look-ups, inserts and updates, the final swap of the tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.projections.read_models import ReadModels
from ledger.projections.registry import all_projections

Progress = Callable[[int, int], None]  # position reached, head


@dataclass(frozen=True)
class Replay:
    name: str
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def read_and_decode(app: Any, batch_size: int, progress: Progress) -> Replay:
    """``select_notifications`` and ``to_domain_event`` for every event, nothing more."""
    head = app.recorder.max_notification_id() or 0
    position, events = 0, 0
    started = time.perf_counter()
    while notifications := app.recorder.select_notifications(start=position + 1, limit=batch_size):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        events += len(notifications)
        position = notifications[-1].id
        progress(position, head)
    return Replay("read + decode (baseline)", events, time.perf_counter() - started)


def rebuild_all(
    read_models: ReadModels, batch_size: int, events: int, progress: Progress
) -> Replay:
    """``ReadModels.rebuild()`` of every projection; ``events`` is the log's length."""
    started = time.perf_counter()
    read_models.rebuild(batch_size=batch_size, progress=progress)
    return Replay(f"rebuild ({projection_names()})", events, time.perf_counter() - started)


def projection_names() -> str:
    return ", ".join(p.name for p in all_projections())
