"""API keys: who is calling, in which role, for which agent.

Only a SHA-256 of each key is stored; the key itself is shown once, when created.
Keys are revocable and never deleted, so the audit trail can always say whose key
made a request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, select, update

ROLES = ("agent", "manager", "auditor", "compliance", "service", "admin")
PREFIX = "clk_"

metadata = MetaData()
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("actor_id", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Caller:
    key_id: str
    actor_id: str
    role: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    """Reads and writes go through the event store's datastore transactions, so on an
    in-memory SQLite store (one shared connection) they never interleave with a
    projection's transaction."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        metadata.create_all(datastore.engine, checkfirst=True)

    def create(self, role: str, actor_id: str) -> tuple[str, str]:
        """Return (key_id, key); the key is not kept and cannot be shown again."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        key_id = secrets.token_hex(4)
        key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(24)}"
        with self.datastore.transaction(commit=True) as connection:
            connection.execute(api_keys.insert().values(
                key_id=key_id, key_hash=digest(key), actor_id=actor_id, role=role,
                created_at=datetime.now(UTC), revoked_at=None,
            ))
        return key_id, key

    def caller(self, key: str) -> Caller | None:
        with self.datastore.transaction(commit=False) as connection:
            row = connection.execute(
                select(api_keys).where(api_keys.c.key_hash == digest(key),
                                       api_keys.c.revoked_at.is_(None))
            ).first()
        return None if row is None else Caller(row.key_id, row.actor_id, row.role)

    def revoke(self, key_id: str) -> bool:
        with self.datastore.transaction(commit=True) as connection:
            done = connection.execute(
                update(api_keys).where(api_keys.c.key_id == key_id,
                                       api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return bool(done.rowcount)

    def listing(self) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as connection:
            rows = connection.execute(select(api_keys).order_by(api_keys.c.created_at))
            return [
                {"key_id": r.key_id, "actor_id": r.actor_id, "role": r.role,
                 "created_at": r.created_at, "revoked_at": r.revoked_at}
                for r in rows
            ]
