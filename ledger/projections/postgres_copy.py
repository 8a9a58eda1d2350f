"""Inserts on PostgreSQL through ``COPY``: what keeps a rebuild from waiting on INSERTs.

A multi-row INSERT makes SQLAlchemy compile, and PostgreSQL parse, thousands of
bound values; ``COPY ... FROM STDIN`` streams the rows as text. Inserting the rows
of a 100,000-event rebuild took 13 s as INSERTs and 3 s as COPY (bench/README.md).

Only psycopg2 connections are copied to. Anything else (SQLite), rows that do not
all have the same columns, a column left to a computed default, or a value that is
not None, bool, int, str, date or datetime goes through the INSERT as before, so
the result is the same either way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table

from ledger.projections.text_columns import NUL, REPLACEMENT

# A NUL cannot be stored in PostgreSQL text at all: U+FFFD stands for it (text_columns).
ESCAPES = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", NUL: REPLACEMENT}
)
NEEDS_ESCAPE = re.compile(r"[\\\t\n\r\x00]").search


class NotCopyable(Exception):
    """The rows need something COPY's text format is not written for here."""


def insert_rows(session: Any, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    connection = session.connection()
    if connection.dialect.driver == "psycopg2":
        try:
            columns, text = copy_text(table, rows)
        except NotCopyable:
            pass
        else:
            _copy(connection, table, columns, text)
            return
    session.execute(table.insert(), list(rows))


def copy_text(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[list[Column[Any]], str]:
    """The columns and the rows in COPY's text format, defaults filled in as INSERT would."""
    given = set(rows[0])
    if not given <= set(table.c.keys()):
        raise NotCopyable("values for columns the table does not have")
    columns = [c for c in table.columns if c.key in given or _scalar_default(c)]
    copied = [c.key for c in columns]
    for column in table.columns:
        if column.key not in copied and column.default is not None:
            raise NotCopyable(f"{column.name} has a computed default")
    defaults = {c.key: _default(c) for c in columns if c.key not in given}
    encode = ENCODERS
    lines = []
    try:
        for row in rows:
            if row.keys() != given:
                raise NotCopyable("rows with different columns")
            full = {**defaults, **row} if defaults else row
            lines.append("\t".join([encode[type(v)](v) for v in map(full.__getitem__, copied)]))
    except KeyError as unknown:
        raise NotCopyable(f"a value of {unknown}") from None
    lines.append("")
    return columns, "\n".join(lines)


def _scalar_default(column: Column[Any]) -> bool:
    return column.default is not None and bool(column.default.is_scalar)


def _default(column: Column[Any]) -> Any:
    return getattr(column.default, "arg", None)


def _text(value: str) -> str:
    return value.translate(ESCAPES) if NEEDS_ESCAPE(value) else value


# By exact type: a subclass (an enum, a pendulum datetime) is not guessed at.
ENCODERS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: _text,
    date: date.isoformat,
    datetime: datetime.isoformat,  # with the offset, when there is one
}


def _copy(connection: Any, table: Table, columns: list[Column[Any]], text: str) -> None:
    """Through the session's own DBAPI connection, so inside its transaction."""
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(c.name) for c in columns)
    statement = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    cursor = connection.connection.cursor()
    try:
        cursor.copy_expert(statement, io.StringIO(text))
    finally:
        cursor.close()
