"""API keys: who is calling, in which role, for which agent.

Only a SHA-256 of each key is stored; the key itself is shown once, when created.
Keys are revocable and never deleted, so the audit trail can always say whose key
made a request. Issuing and revoking a key are recorded on the ledger as grants
(``ledger.aggregates.access_grants``: who gave whom which access, when), written
in the same transaction as the key's row; an actor id keeps the role of its first
key for ever.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Column, DateTime, MetaData, String, Table, select, update

from ledger.aggregates.access_grants import AccessGrants
from ledger.application import LedgerApplication
from ledger.audit.grant_records import grant_history, record_grant
from ledger.commands.base import Actor

ROLES = ("agent", "manager", "auditor", "compliance", "service", "admin", "cashier")
PREFIX = "clk_"
CONSOLE_ROLE = "console"
"""The role grants made at the server's terminal are recorded under: whoever holds the
database's credentials, not an API caller."""

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


def console_actor() -> Actor:
    """Who a grant made from the terminal is recorded as: the operating-system user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(f"cli:{user}", CONSOLE_ROLE)


class KeyStore:
    """Reads and writes go through the event store's datastore transactions, so on an
    in-memory SQLite store (one shared connection) they never interleave with a
    projection's transaction."""

    def __init__(
        self, app: LedgerApplication, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.app = app
        self.datastore = app.datastore
        self.clock = clock

    def create(
        self, role: str, actor_id: str, by: Actor | None = None,
        correlation_id: str | None = None,
    ) -> tuple[str, str]:
        """Return (key_id, key); the key is not kept and cannot be shown again. ``by`` is
        who grants it (default: the terminal's user). Raises ``ActorBoundToRole`` when
        ``actor_id`` already holds another role."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        key_id = secrets.token_hex(4)
        key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(24)}"
        now, command_id = self.clock(), str(uuid4())

        def insert(connection: Any) -> bool:
            connection.execute(api_keys.insert().values(
                key_id=key_id, key_hash=digest(key), actor_id=actor_id, role=role,
                created_at=now, revoked_at=None,
            ))
            return True

        def grant(grants: AccessGrants, _: bool) -> None:
            grants.issue(at=now, key_id=key_id, holder_id=actor_id, holder_role=role,
                         by=_by(by), command_id=command_id,
                         correlation_id=correlation_id or command_id)

        record_grant(self.app, now, insert, grant)
        return key_id, key

    def caller(self, key: str) -> Caller | None:
        with self.datastore.transaction(commit=False) as connection:
            row = connection.execute(
                select(api_keys).where(api_keys.c.key_hash == digest(key),
                                       api_keys.c.revoked_at.is_(None))
            ).first()
        return None if row is None else Caller(row.key_id, row.actor_id, row.role)

    def active(self, key_id: str) -> Caller | None:
        """The holder of key ``key_id`` if it is not revoked: how the workspace re-checks,
        on every request, the key a session was signed in with (it never keeps the key)."""
        with self.datastore.transaction(commit=False) as connection:
            row = connection.execute(
                select(api_keys).where(api_keys.c.key_id == key_id,
                                       api_keys.c.revoked_at.is_(None))
            ).first()
        return None if row is None else Caller(row.key_id, row.actor_id, row.role)

    def revoke(
        self, key_id: str, by: Actor | None = None, correlation_id: str | None = None
    ) -> bool:
        """False when there is no such active key (nothing is recorded then)."""
        now, command_id = self.clock(), str(uuid4())

        def mark(connection: Any) -> Any:
            active = (api_keys.c.key_id == key_id) & api_keys.c.revoked_at.is_(None)
            row = connection.execute(select(api_keys).where(active)).first()
            if row is None or not connection.execute(
                    update(api_keys).where(active).values(revoked_at=now)).rowcount:
                return None
            return row

        def grant(grants: AccessGrants, row: Any) -> None:
            grants.revoke(at=now, key_id=key_id, holder_id=row.actor_id, holder_role=row.role,
                          by=_by(by), command_id=command_id,
                          correlation_id=correlation_id or command_id)

        return record_grant(self.app, now, mark, grant)

    def listing(self) -> list[dict[str, Any]]:
        """Every key with who granted and who revoked it (None for keys made before grants
        were recorded)."""
        history, _ = grant_history(self.app)
        issued = {g.key_id: g for g in history if g.event == "ApiKeyIssued"}
        revoked = {g.key_id: g for g in history if g.event == "ApiKeyRevoked"}
        with self.datastore.transaction(commit=False) as connection:
            rows = connection.execute(select(api_keys).order_by(api_keys.c.created_at))
            return [
                {"key_id": r.key_id, "actor_id": r.actor_id, "role": r.role,
                 "created_at": r.created_at, "revoked_at": r.revoked_at,
                 "granted_by": _who(issued.get(r.key_id)),
                 "revoked_by": _who(revoked.get(r.key_id))}
                for r in rows
            ]

    def history(self) -> list[dict[str, str]]:
        """Every grant and revocation, oldest first, up to any break in their chain."""
        return [asdict(g) for g in grant_history(self.app)[0]]


def _by(by: Actor | None) -> tuple[str, str]:
    actor = by or console_actor()
    return actor.actor_id, actor.role


def _who(grant: Any) -> dict[str, str] | None:
    return None if grant is None else {"actor_id": grant.by_actor_id, "role": grant.by_role}
