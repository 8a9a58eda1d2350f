"""Rows written with PostgreSQL's ``COPY`` instead of one ``INSERT`` parameter set per row.

Bulk imports write thousands of events and command-log rows a transaction. The
library inserts events through the ORM (an object, its attribute events and a
parameter set per row) and the command log went as an ``executemany``: together most of
a batch's time that was not the ledger's own work (bench/RESULTS.md, target 5). ``COPY``
sends the rows as one text stream that the server parses in C.

Only psycopg2 connections are copied to; anything else is left to the caller's usual
``INSERT``. A driver error comes wrapped as SQLAlchemy wraps a failed ``INSERT``
(`sqlalchemy.exc.DBAPIError`, the driver's error as ``orig``), so a unique violation or
deadlock is told apart by its SQLSTATE as before (`ledger.commands.bus.is_race`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.exc import DBAPIError

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_field(value: Any) -> str:
    """One field of ``COPY … FROM STDIN`` in its text format (NULL is ``\\N``)."""
    if value is None:
        return "\\N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()  # bytea's hex form, its backslash escaped
    if isinstance(value, bool | int | UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("timestamps are copied with their offset")
        return value.isoformat()
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    raise TypeError(f"no COPY text form for {type(value).__name__}")


def can_copy(connection: Any) -> bool:
    """Whether ``connection`` (a SQLAlchemy connection) is psycopg2's, which `copy_rows`
    drives."""
    return bool(connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg2")


def copy_rows(
    connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """``COPY table (columns) FROM STDIN`` the ``rows``, in the connection's transaction."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(text_field, row)))
        buffer.write("\n")
    buffer.seek(0)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(statement, buffer)
    except connection.dialect.loaded_dbapi.Error as error:
        # as SQLAlchemy wraps a failed INSERT, so callers tell races (pgcode) the same way
        raise DBAPIError(statement, None, error) from error
    finally:
        cursor.close()
