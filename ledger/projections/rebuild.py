"""Rebuild read models from the whole log, then swap them in atomically.

The replay fills fresh tables (``<name>__rebuild``) in large batches while the live
tables keep serving reads and keep following the log. When the replay has caught
up, one transaction sets the projections' tracking to the replay's position, drops
the live tables and renames the fresh ones into their place: readers see the old
model or the new one, never half of one. The follower then applies whatever
arrived after the replay's position to the new tables. Accounts the replay had to
quarantine (`quarantine`) replace the live model's quarantines in that same transaction.

Fresh tables have no planner statistics until something analyses them: autovacuum
may, some time later, or not at all before the first reads. Until then PostgreSQL
plans the read models' joins for tables it believes nearly empty, so every swapped
table is analysed as soon as it is in place (SQLite's planner uses ``ANALYZE`` too).

The fresh tables, the swap and the tracking are the read models' database's (``store``,
`read_database`); only the log is read from the event store.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import MetaData, text

from ledger.application import LedgerApplication
from ledger.projections import quarantine, tracking
from ledger.projections.log_batch import apply_notifications
from ledger.projections.projection import REBUILD, Projection, Tables
from ledger.projections.quarantine import QuarantineBook
from ledger.projections.read_database import ReadStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _fresh_tables(store: ReadStore, projections: Sequence[Projection]) -> dict[str, Tables]:
    token = secrets.token_hex(3)
    built = {p.name: p.tables(MetaData(), REBUILD, token) for p in projections}
    engine = store.engine
    for tables in built.values():
        for table in tables.values():
            table.drop(engine, checkfirst=True)
            table.create(engine)
    return built


def _replay(
    app: LedgerApplication,
    projections: Sequence[Projection],
    built: dict[str, Tables],
    session: Any,
    start: int,
    batch_size: int,
    book: QuarantineBook,
) -> int:
    notifications = app.recorder.select_notifications(start=start + 1, limit=batch_size)
    if not notifications:
        return start
    reported = len(book.found)
    apply_notifications(session, app, projections, built, notifications, book)
    for found in book.found[reported:]:
        log.warning(found.log_line())
    last: int = notifications[-1].id
    return last


def rebuild(
    app: LedgerApplication,
    projections: Sequence[Projection],
    batch_size: int = 5000,
    progress: Progress | None = None,
    store: ReadStore | None = None,
) -> int:
    """Rebuild the given projections; return the position they were swapped in at."""
    store = store or app.datastore
    built = _fresh_tables(store, projections)
    replaying = [projection.replaying() for projection in projections]
    book = QuarantineBook()
    head = app.recorder.max_notification_id() or 0
    position = 0
    while True:
        with store.transaction(commit=True) as session:
            reached = _replay(app, replaying, built, session, position, batch_size, book)
        if reached == position:
            break
        position = reached
        if progress is not None:
            progress(position, max(head, position))
    with store.transaction(commit=True) as session:
        for projection in projections:
            tracking.ensure(session, projection.name)
            tracking.reset(session, projection.name, position)
        while True:
            reached = _replay(app, replaying, built, session, position, batch_size, book)
            if reached == position:
                break
            position = reached
        for projection in replaying:
            projection.replayed(session, built[projection.name])
        for projection in projections:
            tracking.reset(session, projection.name, position)
            _swap(session, projection, built[projection.name])
        quarantine.replace_all(session, [p.name for p in projections], book.rows())
    _analyse(store, projections)
    return position


def _analyse(store: ReadStore, projections: Sequence[Projection]) -> None:
    """Planner statistics for every swapped table, so query plans do not wait on luck.
    After the swap's commit: statistics are no part of the model and need no lock held
    (PostgreSQL's ``ANALYZE`` takes one that lets reads and writes go on)."""
    with store.transaction(commit=True) as session:
        for projection in projections:
            for table in projection.live().values():
                session.execute(text(f"ANALYZE {table.name}"))


def _swap(session: Any, projection: Projection, built: Tables) -> None:
    live = projection.live()
    for logical, table in built.items():
        session.execute(text(f"DROP TABLE IF EXISTS {live[logical].name}"))
        session.execute(text(f"ALTER TABLE {table.name} RENAME TO {live[logical].name}"))
