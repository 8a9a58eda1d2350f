"""Where the ledger reaches past the eventsourcing library's public API, and why.

Everything else uses what the library documents (``Application.save``, the repository,
``events.get``, the recorder's ``select_notifications`` and ``max_notification_id``, the
mapper). These three are internals of eventsourcing 9.5 and eventsourcing-sqlalchemy 1.0:
they are here, together, so that upgrading either library means checking one module.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, StoredEvent
from sqlalchemy import bindparam, func, literal, select, text, union_all
from sqlalchemy.exc import DBAPIError

from ledger.bulk_copy import can_copy, copy_rows

EVENT_COLUMNS = ("id", "originator_id", "originator_version", "topic", "state")
COPY_FROM = 32
"""Fewer events go in by the library's insert: one round trip, where a copy takes two."""


class StoreAdapter(Application[UUID]):
    """The library's Application, with the internals the ledger needs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recorder: Any = self.recorder
        if hasattr(recorder, "_insert_stored_events") and hasattr(recorder, "_lock_table"):
            self._insert_by_orm = recorder._insert_stored_events
            recorder._insert_stored_events = self._insert_stored_events

    def _insert_stored_events(
        self, session: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        """Why: eventsourcing-sqlalchemy inserts events through the ORM, an object and a
        parameter set per event, most of a bulk import's storing time; on psycopg2 they are
        copied (`ledger.bulk_copy`) instead. The guarantees are the library's own: the
        table is locked (``LOCK TABLE … IN EXCLUSIVE MODE``) before any id is drawn and
        until commit, so ids are drawn and committed in the same order and a reader
        following the log never skips an event that commits late; listeners are notified
        the same way. A private method of the recorder: it has no hook for how rows go in."""
        recorder: Any = self.recorder
        connection = session.connection()
        if len(stored_events) < COPY_FROM or not can_copy(connection):
            ids: Sequence[int] = self._insert_by_orm(session, stored_events, **kwargs)
            return ids
        table = self.events_record.__table__
        recorder._lock_table(session)
        drawn = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"),
            {"table": table.fullname, "n": len(stored_events)},
        )
        ids = sorted(int(row[0]) for row in drawn)
        rows = (
            (i, e.originator_id, e.originator_version, e.topic, e.state)
            for i, e in zip(ids, stored_events, strict=True)
        )
        try:
            copy_rows(connection, table.fullname, EVENT_COLUMNS, rows)
        except DBAPIError as error:
            if getattr(error.orig, "pgcode", None) == "23505":  # a version taken meanwhile
                raise IntegrityError(error) from error
            raise
        recorder._notify_channel(session)
        return ids

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

    def load_aggregate(self, aggregate_id: UUID) -> Any | None:
        """The aggregate as ``repository.get`` reconstructs it (None: no events), in one
        read. Why: the library's repository asks for the latest snapshot, then for the
        events after it, each through the ORM; a single command paid both round trips
        before deciding anything (bench/RESULTS.md, target 5). Here one statement returns
        the latest snapshot, if any, followed by the events after it, decoded by the same
        mappers and folded by the same ``mutate`` calls."""
        if self.snapshots is None:
            return self.repository.get(aggregate_id)
        query = self._one_read()
        with self.datastore.transaction(commit=False) as session:
            rows = session.execute(query, {"aggregate_id": aggregate_id}).all()
        aggregate: Any = None
        for kind, version, topic, state in rows:
            mapper = self.mapper if kind else self.snapshots.mapper
            stored = StoredEvent(originator_id=aggregate_id, originator_version=version,
                                 topic=topic, state=bytes(state))
            aggregate = mapper.to_domain_event(stored).mutate(aggregate)  # type: ignore[attr-defined]
        return aggregate

    @cache  # noqa: B019 - one statement per application, built once so its cache key is kept
    def _one_read(self) -> Any:
        """The latest snapshot of ``:aggregate_id``, if any, then its events after it."""
        events = self.events_record.__table__
        snapshots = self.snapshots.recorder.events_record_cls.__table__  # type: ignore[union-attr]
        wanted = bindparam("aggregate_id", type_=events.c.originator_id.type)
        latest = (
            select(literal(0).label("kind"), snapshots.c.originator_version,
                   snapshots.c.topic, snapshots.c.state)
            .where(snapshots.c.originator_id == wanted)
            .order_by(snapshots.c.originator_version.desc())
            .limit(1)
            .subquery()
        )
        since = select(func.coalesce(func.max(latest.c.originator_version), 0)).scalar_subquery()
        after = (
            select(literal(1).label("kind"), events.c.originator_version, events.c.topic,
                   events.c.state)
            .where(events.c.originator_id == wanted, events.c.originator_version > since)
        )
        return union_all(select(latest), after).order_by("kind", "originator_version")

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
