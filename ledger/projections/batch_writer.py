"""Buffers a batch's writes so a rebuild inserts thousands of rows per statement.

Inserts are grouped per table and flushed first, then updates (merged per row, in
order) are applied: within a batch every row is inserted before anything updates it,
so this order is always safe. An update of a row still waiting to be inserted is
folded into that row instead, so it costs no statement at all; the remaining
updates go out as one executemany per table and shape of update.

Running totals (`accumulate`: add to a column, or keep its least or greatest value) are
folded the same way, into a pending row or into one change per row for the batch, and go
out last as ``col = col + :delta`` (or a ``CASE`` keeping the least or greatest), so a
batch moving one invoice a hundred times updates its row once and never reads it first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, select, update

from ledger.projections.postgres_copy import insert_rows

Key = tuple[tuple[str, Any], ...]
FOLDS: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda old, new: old + new, "least": min, "greatest": max,
}
"""How `accumulate` combines a column's value with the next one, in Python."""


class BatchWriter:
    def __init__(self, session: Any) -> None:
        self.session = session
        self.inserts: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.updates: dict[tuple[Table, Key], dict[str, Any]] = {}
        self.totals: dict[tuple[Table, Key], dict[str, tuple[str, Any]]] = {}
        # Pending inserts by key: (rows indexed so far, {key values: row}).
        self._pending: dict[tuple[Table, tuple[str, ...]], tuple[int, dict[Any, Any]]] = {}

    def insert(self, table: Table, **row: Any) -> None:
        self.inserts[table].append(row)

    def update(self, table: Table, key: dict[str, Any], **values: Any) -> None:
        slot = (table, tuple(sorted(key.items())))
        row = None if slot in self.updates else self._pending_row(table, key)
        if row is not None and values.keys() <= row.keys():
            row.update(values)
        else:
            self.updates.setdefault(slot, {}).update(values)

    def accumulate(self, table: Table, key: dict[str, Any], **changes: tuple[str, Any]
                   ) -> None:
        """Fold ``column=(fold, value)`` into the row: ``fold`` is one of `FOLDS`."""
        slot = (table, tuple(sorted(key.items())))
        row = None if slot in self.totals else self._pending_row(table, key)
        if row is not None:
            for column, (fold, value) in changes.items():
                row[column] = FOLDS[fold](row[column], value)
            return
        pending = self.totals.setdefault(slot, {})
        for column, (fold, value) in changes.items():
            if column in pending:
                value = FOLDS[fold](pending[column][1], value)
            pending[column] = (fold, value)

    def lookup(self, table: Table, key: dict[str, Any], column: str) -> Any:
        """A column of a row written earlier, in this batch or before; None if absent."""
        row = self._pending_row(table, key)
        if row is not None:
            return row[column]
        condition = and_(*(table.c[name] == value for name, value in key.items()))
        return self.session.execute(select(table.c[column]).where(condition)).scalar()

    def _pending_row(self, table: Table, key: dict[str, Any]) -> dict[str, Any] | None:
        """The latest row inserted in this batch with these key values, if any."""
        rows = self.inserts.get(table)
        if not rows:
            return None
        names = tuple(sorted(key))
        indexed, by_key = self._pending.get((table, names), (0, {}))
        for row in rows[indexed:]:
            by_key[tuple(row.get(name) for name in names)] = row
        self._pending[(table, names)] = (len(rows), by_key)
        found: dict[str, Any] | None = by_key.get(tuple(key[name] for name in names))
        return found

    def flush(self) -> None:
        for table, rows in self.inserts.items():
            if rows:
                insert_rows(self.session, table, rows)
        for (table, key_names, value_names), params in self._grouped_updates().items():
            condition = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_names))
            values: dict[str, Any] = {n: bindparam(f"v_{n}") for n in value_names}
            self.session.execute(update(table).where(condition).values(values), params)
        for (table, key_names, folds), params in self._grouped_totals().items():
            condition = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_names))
            values = {column: _folded(table, column, fold) for column, fold in folds}
            self.session.execute(update(table).where(condition).values(values), params)
        self.inserts.clear()
        self.updates.clear()
        self.totals.clear()
        self._pending.clear()

    def _grouped_updates(
        self,
    ) -> dict[tuple[Table, tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]]:
        """Updates of distinct rows are independent, so rows updated alike go together."""
        groups: dict[tuple[Table, tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = (
            defaultdict(list)
        )
        for (table, key), values in self.updates.items():
            shape = (table, tuple(name for name, _ in key), tuple(sorted(values)))
            params = {f"k_{name}": value for name, value in key}
            params.update({f"v_{name}": value for name, value in values.items()})
            groups[shape].append(params)
        return groups

    def _grouped_totals(
        self,
    ) -> dict[tuple[Table, tuple[str, ...], tuple[tuple[str, str], ...]], list[dict[str, Any]]]:
        groups: dict[tuple[Table, tuple[str, ...], tuple[tuple[str, str], ...]],
                     list[dict[str, Any]]] = defaultdict(list)
        for (table, key), changes in self.totals.items():
            folds = tuple(sorted((column, fold) for column, (fold, _) in changes.items()))
            params = {f"k_{name}": value for name, value in key}
            params.update({f"v_{column}": value for column, (_, value) in changes.items()})
            groups[(table, tuple(name for name, _ in key), folds)].append(params)
        return groups


def _folded(table: Table, column: str, fold: str) -> Any:
    """The SQL of `FOLDS`: the column's new value from its old one and ``:v_column``."""
    old, new = table.c[column], bindparam(f"v_{column}", type_=table.c[column].type)
    if fold == "add":
        return old + new
    keep_new = new < old if fold == "least" else new > old
    return case((keep_new, new), else_=old)
