"""Adopting a store written before migrations: its tables are there, no version is.

Releases before migrations created their tables lazily, each when first needed (the
command log on the first command, checkpoint heads on the first checkpoint, Kafka
offsets on the first worker), so such a store holds some of a branch's baseline tables
and not others, and no ``alembic_version``. Running the baseline on it would fail
("table exists"); refusing it would strand its data. So a branch with no version whose
tables are partly there is adopted: the tables found must be the baseline's (same
columns, types, keys and indexes, as Alembic's autogenerate compares them: a store some
other code wrote is refused, not guessed at), the missing ones are created from the
baseline, and the baseline is stamped; later revisions then apply as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Adopted:
    """A branch adopted: the tables found, and the baseline's missing ones it created."""

    branch: str
    found: tuple[str, ...]
    created: tuple[str, ...]
    baseline: MetaData = field(repr=False, compare=False)

    def create_missing(self, connection: Connection) -> None:
        self.baseline.create_all(connection, tables=[self.baseline.tables[n] for n in self.created])


class StoreNotAdoptable(RuntimeError):
    """Unversioned tables that are not the baseline's: not a store a release wrote."""


def adoption(connection: Connection, branch: str, baseline: MetaData) -> Adopted | None:
    """What adopting ``branch``, which has no version here, takes: None for a fresh
    database; `StoreNotAdoptable` if its tables are not the baseline's. Changes nothing:
    the caller checks every branch first, then creates the missing tables and stamps."""
    existing = set(inspect(connection).get_table_names())
    found = sorted(existing & set(baseline.tables))
    if not found:
        return None
    differences = _differences(connection, baseline, found)
    if differences:
        raise StoreNotAdoptable(
            f"the {branch} tables of this database are not the ones a release created, so "
            f"migrations cannot adopt it: {differences}"
        )
    missing = sorted(set(baseline.tables) - existing)
    return Adopted(branch, tuple(found), tuple(missing), baseline)


def _differences(connection: Connection, baseline: MetaData, names: list[str]) -> list[object]:
    present = MetaData()
    for name in names:
        baseline.tables[name].to_metadata(present)
    context = MigrationContext.configure(connection, opts={
        "include_name": lambda name, kind, _: kind != "table" or name in names,
        "compare_type": True,
    })
    return list(compare_metadata(context, present))

