"""The command log: which command ids the ledger has already carried out.

Written in the same transaction as the command's events, so "seen" and
"stored" can never disagree. A repeated id with the same content returns the
original result; with different content it is a conflict.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine

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


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def digest_of(command: Command) -> str:
    return hashlib.sha256(canonical_bytes(command.content())).hexdigest()


def find(session: Any, command_id: str) -> tuple[str, CommandResult] | None:
    row = session.execute(
        select(command_log.c.digest, command_log.c.result).where(
            command_log.c.command_id == command_id
        )
    ).first()
    if row is None:
        return None
    fields = json.loads(row.result)
    fields["events"] = tuple(fields["events"])
    return row.digest, CommandResult(**fields)


def record(
    session: Any, command: Command, result: CommandResult, actor_id: str, at: datetime
) -> None:
    session.execute(
        command_log.insert().values(
            command_id=command.command_id,
            digest=digest_of(command),
            command_type=type(command).__name__,
            account=command.account,
            actor_id=actor_id,
            recorded_at=at,
            result=json.dumps(asdict(result), sort_keys=True),
        )
    )
