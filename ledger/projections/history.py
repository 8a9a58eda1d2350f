"""The audit history: every event of every account, with its envelope and hash, as rows.

Auditors page through an account's history and exports walk the whole log; both
would otherwise decode the event store's JSON for every request. A row keeps what
`LedgerService.history` shows — the envelope, ``prev_hash``, ``hash`` (the event's
digest) and the payload as canonical JSON — so the two can be compared item by
item, and the hash chain can be checked from the read model alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from ledger.aggregates import account_id_for
from ledger.aggregates.errors import AccountNotFound, InvalidCommand
from ledger.canonical import plain
from ledger.personal_data.vault import PersonalDataVault
from ledger.projections.batch_writer import BatchWriter
from ledger.projections.projection import Positioned, Projection, Tables, index

ENVELOPE = ("effective_on", "actor_id", "actor_role", "command_id", "correlation_id")
MAX_PAGE = 1000
MAX_EXPORT_BATCH = 10_000


def history_tables(metadata: MetaData, suffix: str, token: str) -> Tables:
    name = "rm_history" + suffix
    history = Table(
        name, metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("account_id", String(36), nullable=False),
        Column("version", Integer, nullable=False),
        Column("type", String(64), nullable=False),
        Column("effective_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("actor_id", String(128), nullable=False),
        Column("actor_role", String(32), nullable=False),
        Column("command_id", String(128), nullable=False),
        Column("correlation_id", Text, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        index(name, token, "account_id", "version", unique=True),
    )
    return Tables(history=history)


class HistoryProjection(Projection):
    name = "history"

    def define(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        return history_tables(metadata, suffix, token)

    def handle(self, session: Any, tables: Tables, events: Sequence[Positioned]) -> None:
        writer = BatchWriter(session)
        for item in events:
            e = item.event
            payload = {k: v for k, v in e.payload().items() if k not in ENVELOPE}
            writer.insert(
                tables["history"], position=item.position, account_id=str(e.originator_id),
                version=e.originator_version, type=e.event_type, effective_on=e.effective_on,
                recorded_at=e.timestamp, actor_id=e.actor_id, actor_role=e.actor_role,
                command_id=e.command_id, correlation_id=e.correlation_id,
                prev_hash=e.prev_hash, hash=e.digest,
                payload=json.dumps(plain(payload), sort_keys=True, separators=(",", ":")),
            )
        writer.flush()


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    account_id: str
    version: int
    type: str
    effective_on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    prev_hash: str
    hash: str
    payload: dict[str, Any]

    def record(self) -> dict[str, Any]:
        """The shape `LedgerService.history` yields, so either source serves an export."""
        fields = ("account_id", "version", "type", "effective_on", "recorded_at", "actor_id",
                  "actor_role", "command_id", "correlation_id", "prev_hash", "hash", "payload")
        record: dict[str, Any] = plain({name: getattr(self, name) for name in fields})
        return record


@dataclass(frozen=True)
class HistoryPage:
    """``next_cursor`` is the ``after_version`` of the next page; None on the last one."""

    items: list[HistoryEntry]
    next_cursor: int | None


def _entry(row: Any) -> HistoryEntry:
    recorded_at = row.recorded_at
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return HistoryEntry(
        position=row.position, account_id=row.account_id, version=row.version, type=row.type,
        effective_on=row.effective_on, recorded_at=recorded_at.astimezone(UTC),
        actor_id=row.actor_id, actor_role=row.actor_role, command_id=row.command_id,
        correlation_id=row.correlation_id, prev_hash=row.prev_hash, hash=row.hash,
        payload=json.loads(row.payload),
    )


def _check_page(limit: int, most: int) -> None:
    if not 1 <= limit <= most:
        raise InvalidCommand(f"a page holds 1 to {most} events, not {limit}")


def _account_id(session: Any, history: Table, account: str | UUID) -> str:
    """An account id as given, or else the id its account number derives from."""
    if isinstance(account, UUID):
        return str(account)
    try:
        as_id = str(UUID(account))
    except ValueError:
        return str(account_id_for(account))
    found = session.execute(
        select(history.c.position).where(history.c.account_id == as_id).limit(1)
    ).first()
    return as_id if found is not None else str(account_id_for(account))


def account_history(
    session: Any,
    tables: Tables,
    account: str | UUID,
    after_version: int = 0,
    limit: int = 100,
) -> HistoryPage:
    """Events of one account with versions above ``after_version``, oldest first."""
    _check_page(limit, MAX_PAGE)
    if after_version < 0:
        raise InvalidCommand(f"after_version must not be negative, not {after_version}")
    history = tables["history"]
    account_id = _account_id(session, history, account)
    rows = session.execute(
        select(history)
        .where(history.c.account_id == account_id, history.c.version > after_version)
        .order_by(history.c.version)
        .limit(limit + 1)
    ).all()
    items = _revealed(session, [_entry(row) for row in rows[:limit]])
    if not items:
        known = session.execute(
            select(history.c.position).where(history.c.account_id == account_id).limit(1)
        ).first()
        if known is None:
            raise AccountNotFound(f"account {account} has no history")
    next_cursor = items[-1].version if len(rows) > limit else None
    return HistoryPage(items=items, next_cursor=next_cursor)


def events_between(
    session: Any, tables: Tables, start_position: int, limit: int
) -> list[HistoryEntry]:
    """Events of all accounts from ``start_position`` (inclusive) in log order: an export
    continues from the last entry's position + 1."""
    _check_page(limit, MAX_EXPORT_BATCH)
    history = tables["history"]
    rows = session.execute(
        select(history)
        .where(history.c.position >= start_position)
        .order_by(history.c.position)
        .limit(limit)
    ).all()
    return _revealed(session, [_entry(row) for row in rows])


def _revealed(session: Any, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Rows keep personal fields as the ciphertext the events hold; a read shows them in
    clear while the account's key exists, and as null once it was destroyed."""
    vault = PersonalDataVault(session)
    return [
        replace(e, payload=vault.reveal_payload(UUID(e.account_id), e.type, e.payload))
        for e in entries
    ]
