"""Read-model text that PostgreSQL can store: a NUL becomes U+FFFD there.

PostgreSQL text cannot hold the character U+0000, so one event of an earlier release with
a NUL in a reference would quarantine its account forever. The event store keeps the
true text (events are stored as JSON bytes, where a NUL is ``\\u0000``); a read model
only shows it, so on PostgreSQL it shows U+FFFD, the replacement character, in its place:
one character for one, so a column's length still fits. Every bound value of a read-model
text column goes through this — inserts, updates, keys and the reads' filters — so a row
is found by the same text it was written with. COPY has the same rule
(`postgres_copy`). SQLite stores a NUL as it is, and there nothing is changed or called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import String, Table, Text
from sqlalchemy.types import TypeDecorator

NUL, REPLACEMENT = "\x00", "\ufffd"


def without_nul(value: str) -> str:
    return value.replace(NUL, REPLACEMENT) if NUL in value else value


class _NulSafe(TypeDecorator[str]):
    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        inner = super().bind_processor(dialect)
        if dialect.name != "postgresql":
            return inner

        def process(value: Any) -> Any:
            if isinstance(value, str):
                value = without_nul(value)
            return inner(value) if inner is not None else value

        return process


class NulSafeString(_NulSafe):
    impl = String
    cache_ok = True  # per class: SQLAlchemy does not inherit it


class NulSafeText(_NulSafe):
    impl = Text
    cache_ok = True


def make_nul_safe(tables: Iterable[Table]) -> None:
    """Give every text column of these (just defined) tables the rule above."""
    for table in tables:
        for column in table.columns:
            if isinstance(column.type, Text):
                column.type = NulSafeText()
            elif isinstance(column.type, String):
                column.type = NulSafeString(column.type.length)
