"""What a projection is: named tables, and how events change their rows.

A projection defines its tables for a given physical suffix, so the same
definition serves the live tables and the fresh ones a rebuild fills before they
are swapped in. Index names carry a per-build token because index names are
global in a schema and outlive the rename of their table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Index, MetaData, Table

from ledger.aggregates.envelope import LedgerEvent
from ledger.projections.text_columns import make_nul_safe

LIVE = ""
REBUILD = "__rebuild"


@dataclass(frozen=True)
class Positioned:
    """An event and its position (notification id) in the store's log."""

    position: int
    event: LedgerEvent


class Tables(dict[str, Table]):
    """A projection's tables by logical name."""


class Projection(ABC):
    name: ClassVar[str]

    @abstractmethod
    def define(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        """Declare the tables (named ``base + suffix``) with their indexes."""

    @abstractmethod
    def handle(self, session: Any, tables: Tables, events: Sequence[Positioned]) -> None:
        """Apply a batch of events; called inside the transaction that advances tracking."""

    def account_tables(self, tables: Tables) -> list[Table]:
        """The tables whose rows an account's own events make, keyed by ``account_id``:
        what rebuilding one account deletes and makes again (`account_rebuild`)."""
        return list(tables.values())

    def replaying(self) -> Projection:
        """The projection as a rebuild runs it over the whole log: itself, unless it keeps
        something a set-based pass at the end does more cheaply (`replayed`)."""
        return self

    def replayed(self, session: Any, tables: Tables) -> None:
        """After a rebuild's replay, before its tables are swapped in: finish what
        `replaying` left for the end. Nothing, by default."""
        return None

    def tables(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        """The tables as runners use them: `define`'s, with NUL-safe text columns."""
        defined = self.define(metadata, suffix, token)
        make_nul_safe(defined.values())
        return defined

    def live(self) -> Tables:
        """The live tables' definitions, made once per projection class: defining tables
        costs milliseconds, and every ledger a process wires (tests wire hundreds) reads
        the same ones. Definitions only: rows live in whichever database is queried."""
        tables = _LIVE.get(type(self))
        if tables is None:
            tables = _LIVE[type(self)] = self.tables(MetaData(), LIVE, "0")
        return Tables(tables)


_LIVE: dict[type[Projection], Tables] = {}


def index(table_name: str, token: str, *columns: Any, unique: bool = False) -> Index:
    names = "_".join(c if isinstance(c, str) else c.name for c in columns)
    return Index(f"ix_{table_name}_{names}_{token}"[:63], *columns, unique=unique)
