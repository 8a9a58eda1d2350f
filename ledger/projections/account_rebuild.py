"""Rebuild one account in the live read models: how an operator lifts a quarantine.

Once the cause is fixed (a release whose projection handles the stored value), the
account's rows are deleted from each projection's tables and its events re-applied up to
that projection's position, in one transaction with the projection's tracking row
locked, so a follower neither applies the account's next events meanwhile nor skips
them afterwards: it waits, then finds the quarantine gone. If an event still fails,
the account is quarantined again with the new error; otherwise the quarantine is lifted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import delete, select

from ledger.aggregates.errors import AccountNotFound
from ledger.application import LedgerApplication
from ledger.projections import quarantine, tracking
from ledger.projections.log_batch import apply_notifications
from ledger.projections.projection import Projection, Tables
from ledger.projections.quarantine import Quarantine, QuarantineBook
from ledger.projections.read_database import ReadStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountRebuilt:
    """One projection's outcome: ``still`` is the quarantine if an event still fails."""

    projection: str
    events: int
    was_quarantined: bool
    still: Quarantine | None

    @property
    def lifted(self) -> bool:
        return self.was_quarantined and self.still is None


def rebuild_account(
    app: LedgerApplication,
    projections: Sequence[Projection],
    live: Mapping[str, Tables],
    account_id: UUID,
    store: ReadStore | None = None,
) -> list[AccountRebuilt]:
    """``store``: the read models' database (default: the event store's)."""
    account = str(account_id)
    names = [p.name for p in projections]
    store = store or app.datastore
    with store.transaction(commit=True) as session:
        held = {q.projection for q in quarantine.stored(session, names) if q.account_id == account}
        for name in names:  # a write first: on SQLite it takes the write lock now
            quarantine.lift(session, name, account)
        positions = _hold(session, names)
        notifications = _notifications(app, account_id)
        if not notifications:
            raise AccountNotFound(f"account {account} has no events in this event store")
        outcomes = []
        for projection in projections:
            tables = live[projection.name]
            for table in projection.account_tables(tables):
                session.execute(delete(table).where(table.c.account_id == account))
            upto = [n for n in notifications if n.id <= positions[projection.name]]
            book = QuarantineBook()
            apply_notifications(session, app, [projection], live, upto, book)
            quarantine.save(session, book)
            outcomes.append(AccountRebuilt(projection.name, len(upto), projection.name in held,
                                           book.found[0] if book.found else None))
    for outcome in outcomes:
        if outcome.still is not None:
            log.warning(outcome.still.log_line())
    return outcomes


def _hold(session: Any, names: Sequence[str]) -> dict[str, int]:
    """The projections' positions, their rows locked until commit (PostgreSQL)."""
    t = tracking.projection_tracking
    rows = session.execute(
        select(t.c.projection, t.c.position).where(t.c.projection.in_(names)).with_for_update()
    )
    found = {name: int(position) for name, position in rows}
    return {name: found.get(name, 0) for name in names}


def _notifications(app: LedgerApplication, account_id: UUID) -> list[Any]:
    """The account's stored events with their log positions, oldest first, from the event
    store (inside the read models' transaction when they share its database)."""
    record = app.events_record
    with app.datastore.transaction(commit=False) as session:
        rows = session.execute(
            select(record.id, record.originator_id, record.originator_version, record.topic,
                   record.state)
            .where(record.originator_id == account_id)
            .order_by(record.originator_version)
        )
        return [
            Notification(id=r.id, originator_id=r.originator_id,
                         originator_version=r.originator_version, topic=r.topic, state=r.state)
            for r in rows
        ]
