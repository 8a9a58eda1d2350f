"""The command log: which command ids the ledger has already carried out.

Written in the same transaction as the command's events, so "seen" and
"stored" can never disagree. A repeated id with the same content returns the
original result; with different content it is a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, bindparam, select

from ledger.bulk_copy import can_copy, copy_rows
from ledger.canonical import canonical_bytes
from ledger.commands.base import Command, CommandResult

metadata = MetaData()

command_log = Table(
    "ledger_commands",
    metadata,
    Column("command_id", String(128), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("command_type", String(64), nullable=False),
    Column("account", String(64), nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("result", Text, nullable=False),
)


def digest_of(command: Command) -> str:
    return hashlib.sha256(canonical_bytes(command.content())).hexdigest()


LOOKUP_CHUNK = 500
_FIND = select(command_log.c.command_id, command_log.c.digest, command_log.c.result).where(
    command_log.c.command_id.in_(bindparam("ids", expanding=True)))
"""Built once, so SQLAlchemy finds its compiled form by a kept cache key: every command asks."""


def find_many(session: Any, command_ids: Iterable[str]) -> dict[str, tuple[str, CommandResult]]:
    """The digest and original result of each command id already carried out."""
    wanted = sorted(set(command_ids))
    found: dict[str, tuple[str, CommandResult]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        for row in session.execute(_FIND, {"ids": chunk}):
            fields = json.loads(row.result)
            fields["events"] = tuple(fields["events"])
            found[row.command_id] = (row.digest, CommandResult(**fields))
    return found


@dataclass(frozen=True)
class Entry:
    command: Command
    digest: str
    result: CommandResult
    actor_id: str


def record_many(session: Any, entries: Sequence[Entry], at: datetime) -> None:
    """One row per entry; copied on PostgreSQL (`ledger.bulk_copy`): a bulk import logs
    thousands of commands a transaction."""
    if not entries:
        return
    rows = [
        {
            "command_id": e.command.command_id,
            "digest": e.digest,
            "command_type": type(e.command).__name__,
            "account": e.command.account,
            "actor_id": e.actor_id,
            "recorded_at": at,
            "result": json.dumps(vars(e.result), sort_keys=True),
        }
        for e in entries
    ]
    connection = session.connection()
    if can_copy(connection):
        columns = [c.name for c in command_log.columns]
        copy_rows(connection, command_log.name, columns, ([r[c] for c in columns] for r in rows))
    else:
        session.execute(command_log.insert(), rows)
