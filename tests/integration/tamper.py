"""Raw SQL behind the ledger's back: what an attacker with database access can do.

Rows are found and changed with plain SQL on a separate connection, never through
the event store's classes, so the tests see exactly what a DBA's edit leaves.
Stored states are the eventsourcing JSON transcoder's output (no compression or
cipher is configured), so an amount is ``{"_type_": "decimal_str", "_data_": "…"}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, create_engine, text

from ledger.aggregates.account import account_id_for

EVENTS = "ledger_events"
SNAPSHOTS = "ledger_snapshots"


@contextmanager
def raw_sql(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def as_uuid(value: Any) -> UUID:
    return UUID(bytes=bytes(value)) if isinstance(value, (bytes, memoryview)) else UUID(str(value))


def row_ids(connection: Connection, number: str, table: str = EVENTS) -> dict[int, int]:
    """Version -> row id of an account's stored events (found without the ledger's classes)."""
    wanted = account_id_for(number)
    key = "id" if table == EVENTS else "originator_version"
    rows = connection.execute(text(f"SELECT {key}, originator_id, originator_version FROM {table}"))
    return {r[2]: r[0] for r in rows if as_uuid(r[1]) == wanted}


def state_of(connection: Connection, row_id: int) -> bytes:
    return bytes(connection.execute(
        text(f"SELECT state FROM {EVENTS} WHERE id = :id"), {"id": row_id}
    ).scalar_one())


def set_state(connection: Connection, row_id: int, state: bytes) -> None:
    connection.execute(text(f"UPDATE {EVENTS} SET state = :s WHERE id = :id"),
                       {"s": state, "id": row_id})


def change_amount(url: str, number: str, version: int, new_amount: str) -> None:
    with raw_sql(url) as connection:
        row_id = row_ids(connection, number)[version]
        state = json.loads(state_of(connection, row_id))
        assert state["amount"]["_type_"] == "decimal_str"
        state["amount"]["_data_"] = new_amount
        set_state(connection, row_id, json.dumps(state, separators=(",", ":")).encode())


def set_digest(url: str, number: str, version: int, digest: str | None) -> None:
    """Rewrite the digest stored with an event (None: remove it), leaving its content alone."""
    with raw_sql(url) as connection:
        row_id = row_ids(connection, number)[version]
        state = json.loads(state_of(connection, row_id))
        if digest is None:
            del state["digest"]
        else:
            state["digest"] = digest
        set_state(connection, row_id, json.dumps(state, separators=(",", ":")).encode())


def delete_versions(url: str, number: str, versions: list[int] | None = None) -> None:
    """Delete some of an account's events (all of them when ``versions`` is None)."""
    with raw_sql(url) as connection:
        ids = row_ids(connection, number)
        for version in versions if versions is not None else list(ids):
            connection.execute(text(f"DELETE FROM {EVENTS} WHERE id = :id"), {"id": ids[version]})


def swap_states(url: str, number: str, first: int, second: int) -> None:
    with raw_sql(url) as connection:
        ids = row_ids(connection, number)
        a, b = state_of(connection, ids[first]), state_of(connection, ids[second])
        set_state(connection, ids[first], b)
        set_state(connection, ids[second], a)


def delete_checkpoints(url: str) -> None:
    """A consistent cover-up: remove every trace of the stored checkpoints too."""
    from ledger.aggregates.checkpoints import CHECKPOINTS_ID

    with raw_sql(url) as connection:
        rows = connection.execute(text(f"SELECT id, originator_id FROM {EVENTS}"))
        for row_id in [r[0] for r in rows if as_uuid(r[1]) == CHECKPOINTS_ID]:
            connection.execute(text(f"DELETE FROM {EVENTS} WHERE id = :id"), {"id": row_id})
        connection.execute(text("DELETE FROM ledger_checkpoint_heads"))


def edit_snapshots(url: str, number: str) -> int:
    """Rewrite every amount in an account's snapshots; return how many rows changed."""
    wanted = account_id_for(number)
    with raw_sql(url) as connection:
        rows = connection.execute(
            text(f"SELECT originator_id, originator_version, state FROM {SNAPSHOTS}")
        ).all()
        changed = 0
        for originator_id, version, state in rows:
            if as_uuid(originator_id) != wanted:
                continue
            edited = bytes(state).replace(b'"_data_":"10.00"', b'"_data_":"99999.00"')
            assert edited != bytes(state)
            connection.execute(
                text(f"UPDATE {SNAPSHOTS} SET state = :s "
                     "WHERE originator_id = :o AND originator_version = :v"),
                {"s": edited, "o": originator_id, "v": version},
            )
            changed += 1
        return changed
