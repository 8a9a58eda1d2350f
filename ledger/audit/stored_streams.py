"""Stored events read straight from the event store's table, stream by stream.

Verification must look at what is on disk, not at snapshots or read models
(anyone who can edit one can edit those too), and must not use the aggregate's
own loading, which refuses a broken chain instead of saying where it broke.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic
from sqlalchemy import select

from ledger.aggregates.account import AccountOpened
from ledger.aggregates.envelope import LedgerEvent
from ledger.application import LedgerApplication


@dataclass(frozen=True)
class StoredRow:
    position: int
    stream_id: UUID
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class Link:
    """One stored event as the chain sees it: ``digest`` recomputed from its content,
    ``stored`` the digest stored with it; ``problem`` says why it could not be read."""

    version: int
    prev_hash: str | None
    digest: str | None
    number: str | None
    problem: str | None
    stored: str | None


def stored_streams(
    app: LedgerApplication, up_to: int, stream_id: UUID | None = None, after: int = 0
) -> Iterator[tuple[UUID, list[StoredRow]]]:
    """Every stream's rows with ``after`` < notification id <= ``up_to``, in version order."""
    record: Any = app.events_record
    query = select(
        record.id, record.originator_id, record.originator_version, record.topic, record.state
    ).where(record.id <= up_to, record.id > after)
    if stream_id is not None:
        query = query.where(record.originator_id == stream_id)
    query = query.order_by(record.originator_id, record.originator_version)
    with app.datastore.transaction(commit=False) as session:
        rows = session.execute(query.execution_options(yield_per=2000))
        for stream, group in groupby(rows, key=lambda r: r.originator_id):
            yield stream, [
                StoredRow(r.id, r.originator_id, r.originator_version, r.topic, bytes(r.state))
                for r in group
            ]


def is_account_topic(topic: str) -> bool:
    try:
        cls = resolve_topic(topic)
    except Exception:  # noqa: BLE001 - an unknown or edited topic is simply not an account's
        return False
    return isinstance(cls, type) and issubclass(cls, LedgerEvent)


def read_link(app: LedgerApplication, row: StoredRow) -> Link:
    """Decode through the application's mapper, recompute the event's digest and read the
    stored one.

    An edited row may fail to decode at all (a changed amount that is no longer a
    number, a topic that no longer resolves): that is reported, never raised.
    """
    try:
        event = app.mapper.to_domain_event(
            StoredEvent(originator_id=row.stream_id, originator_version=row.version,
                        topic=row.topic, state=row.state)
        )
        if not isinstance(event, LedgerEvent):
            raise TypeError(f"stored as {type(event).__name__}, not an account event")
        prev_hash = vars(event).get("prev_hash")
        if not isinstance(prev_hash, str):
            raise TypeError("no prev_hash")
        digest = event.recomputed_digest()
    except Exception as error:  # noqa: BLE001 - an edited row may fail in any way
        problem = f"stored event no longer reads as recorded ({type(error).__name__}: {error})"
        return Link(row.version, None, None, None, problem[:500], None)
    number = event.number if isinstance(event, AccountOpened) else None
    return Link(row.version, prev_hash, digest, number, None, event.stored_digest)
