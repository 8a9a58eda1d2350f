"""Each chained event's digest stored with it: store those of the events recorded before.

From this release on, an event's digest is computed once, when it is recorded, and stored
in its own state under ``digest`` (`ledger.aggregates.digests`); loading, replaying,
projecting and publishing read it there. This revision gives the events stored before the
same: it decodes each row of ``ledger_events`` as the ledger does, computes its digest as
verification does, and appends ``,"digest":"<64 hex>"`` to the stored JSON object. Nothing
else in the row changes, and the digest is outside the document it is the digest of, so
every chain and checkpoint verifies as before (docs/audit.md, *Stored digests*). Its
downgrade removes them again (recording appends the digest last, so that also restores
the rows of events recorded since), for a release before this one to read the store.

Rows that already have a digest, that are no link of a chain (an aggregate's creation),
or that no longer decode (an edited or unknown event) are left as they are; verification
reports the last kind, as it did. The table is the eventsourcing library's, not created
by migrations: a database without it has nothing to backfill.

Revision ID: store_0002
Revises: store_0001
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from alembic import op
from eventsourcing.persistence import Mapper, StoredEvent

from ledger.aggregates.digests import DIGEST, Digested
from ledger.transcodings import stored_event_mapper

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None

EVENTS = sa.table(
    "ledger_events",
    sa.column("id", sa.BigInteger()),
    sa.column("originator_id"),
    sa.column("originator_version", sa.BigInteger()),
    sa.column("topic", sa.Text()),
    sa.column("state", sa.LargeBinary()),
)
PAGE = 2000
APPENDED = re.compile(rb',"digest":"[0-9a-f]{64}"}$')


def upgrade() -> None:
    mapper = stored_event_mapper()
    _rewrite_states(lambda row: with_digest(mapper, row))


def downgrade() -> None:
    """Remove the stored digests again: a release before this one would take ``digest``
    for a field of the event, hash it with the rest, and refuse its own chains."""
    _rewrite_states(without_digest)


def _rewrite_states(rewrite: Callable[[Any], bytes | None]) -> None:
    """Each row's state as ``rewrite`` makes it (None: as it is), a page at a time."""
    connection = op.get_bind()
    if not sa.inspect(connection).has_table("ledger_events"):
        return
    after = 0
    while rows := connection.execute(
        sa.select(EVENTS).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(PAGE)
    ).all():
        updates = [{"row_id": row.id, "new_state": state}
                   for row in rows if (state := rewrite(row)) is not None]
        if updates:
            connection.execute(
                EVENTS.update().where(EVENTS.c.id == sa.bindparam("row_id"))
                .values(state=sa.bindparam("new_state")),
                updates,
            )
        after = rows[-1].id


def with_digest(mapper: Mapper[UUID], row: Any) -> bytes | None:
    """The row's state with its digest appended; None to leave the row as it is."""
    state = bytes(row.state)
    try:
        event = mapper.to_domain_event(StoredEvent(
            originator_id=_uuid(row.originator_id), originator_version=row.originator_version,
            topic=row.topic, state=state,
        ))
        if not isinstance(event, Digested) or DIGEST in vars(event):
            return None
        digest = event.recomputed_digest()
    except Exception:  # noqa: BLE001 - an edited row may fail in any way; verification says how
        return None
    if not state.endswith(b"}") or state == b"{}":  # the transcoder's JSON object, never empty
        return None
    return state[:-1] + f',"{DIGEST}":"{digest}"}}'.encode("ascii")


def without_digest(row: Any) -> bytes | None:
    state = bytes(row.state)
    found = APPENDED.search(state)
    return None if found is None else state[:found.start()] + b"}"


def _uuid(value: Any) -> UUID:
    """SQLite keeps the id as 16 bytes, PostgreSQL as a uuid."""
    if isinstance(value, UUID):
        return value
    return UUID(bytes=bytes(value)) if isinstance(value, (bytes, memoryview)) else UUID(str(value))

