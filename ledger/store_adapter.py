"""Where the ledger reaches past the eventsourcing library's public API, and why.

Everything else uses what the library documents (``Application.save``, the repository,
``events.get``, the recorder's ``select_notifications`` and ``max_notification_id``, the
mapper). These three are internals of eventsourcing 9.5 and eventsourcing-sqlalchemy 1.0:
they are here, together, so that upgrading either library means checking one module.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent


class StoreAdapter(Application[UUID]):
    """The library's Application, with the three internals the ledger needs."""

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Why: the library's hook reloads the aggregate from the store to snapshot it,
        replaying up to an interval's worth of events inside the saving transaction; the
        aggregate just saved is in memory, at exactly the version that crossed the
        interval, so it is snapshotted from there (each aggregate's events found once, not by
        scanning every event of a batch per aggregate). A private method: no public hook
        exists for when snapshots are taken."""
        if self.snapshots is None:
            return
        snapshots = []
        versions: dict[Any, list[int]] = {}
        for e in processing_event.events:
            versions.setdefault(e.originator_id, []).append(e.originator_version)
        for aggregate in processing_event.aggregates.values():
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval is None:
                continue
            if any(v % interval == 0 for v in versions.get(aggregate.id, ())):
                snapshot_class: Any = getattr(type(aggregate), "Snapshot", self.snapshot_class)
                snapshots.append(snapshot_class.take(aggregate))
        if snapshots:
            self.snapshots.put(snapshots)

    @property
    def datastore(self) -> Any:
        """Why: read models, the command log, keys and checkpoints are written in the same
        transaction as the events (exactly once, "seen" and "stored" never disagree), and
        eventsourcing-sqlalchemy opens that transaction only through its datastore, which
        the recorder keeps as an attribute."""
        return self.recorder.datastore  # type: ignore[attr-defined]

    @property
    def events_record(self) -> Any:
        """Why: the SQLAlchemy class of the stored-events table, for the queries the
        recorder has no method for (every stream's head, a stream's rows with their log
        positions, events since a position across streams, distinct aggregate ids)."""
        return self.recorder.events_record_cls  # type: ignore[attr-defined]
