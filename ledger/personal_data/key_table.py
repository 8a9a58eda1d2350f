"""The per-account data keys: a table beside the events, never inside them.

Erasure deletes a row here and nothing else, so the events (and their hash
chain) stay exactly as stored while their personal fields become unreadable.
Keys are written in the transaction of the first event that needs one, so a key
never exists without a reason and an event never refers to a key never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, select

metadata = MetaData()

personal_data_keys = Table(
    "personal_data_keys",
    metadata,
    Column("account_id", String(36), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def find(session: Any, account_id: UUID) -> bytes | None:
    row = session.execute(
        select(personal_data_keys.c.key).where(personal_data_keys.c.account_id == str(account_id))
    ).first()
    return None if row is None else bytes(row.key)


def insert(session: Any, keys: dict[UUID, bytes], at: datetime) -> None:
    if keys:
        session.execute(
            personal_data_keys.insert(),
            [{"account_id": str(a), "key": k, "created_at": at} for a, k in keys.items()],
        )


def destroy(session: Any, account_ids: Iterable[UUID]) -> None:
    wanted = [str(a) for a in account_ids]
    if wanted:
        session.execute(
            delete(personal_data_keys).where(personal_data_keys.c.account_id.in_(wanted))
        )
