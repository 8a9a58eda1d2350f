"""Buffers a batch's writes so a rebuild inserts thousands of rows per statement.

Inserts are grouped per table and flushed first, then updates (merged per row, in
order) are applied: within a batch every row is inserted before anything updates it,
so this order is always safe.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, and_, select, update


class BatchWriter:
    def __init__(self, session: Any) -> None:
        self.session = session
        self.inserts: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.updates: dict[tuple[Table, tuple[tuple[str, Any], ...]], dict[str, Any]] = {}

    def insert(self, table: Table, **row: Any) -> None:
        self.inserts[table].append(row)

    def update(self, table: Table, key: dict[str, Any], **values: Any) -> None:
        slot = (table, tuple(sorted(key.items())))
        self.updates.setdefault(slot, {}).update(values)

    def lookup(self, table: Table, key: dict[str, Any], column: str) -> Any:
        """A column of a row written earlier, in this batch or before; None if absent."""
        for row in reversed(self.inserts.get(table, [])):
            if all(row.get(name) == value for name, value in key.items()):
                return row[column]
        condition = and_(*(table.c[name] == value for name, value in key.items()))
        return self.session.execute(select(table.c[column]).where(condition)).scalar()

    def flush(self) -> None:
        for table, rows in self.inserts.items():
            if rows:
                self.session.execute(table.insert(), rows)
        for (table, key), values in self.updates.items():
            condition = and_(*(table.c[name] == value for name, value in key))
            self.session.execute(update(table).where(condition).values(**values))
        self.inserts.clear()
        self.updates.clear()
