"""Running the migrations from code: upgrade a database, say where it is.

Alembic is driven through its API with the caller's connection, so SQLite in memory
(one connection for the whole process) migrates the very database the ledger uses, and
nothing needs an ``alembic.ini``.

On PostgreSQL an upgrade holds a transaction-scoped advisory lock: processes starting
together (several Kafka workers, a server and a CLI) migrate one after the other, and the
later ones find the work done. DDL is transactional there, so an upgrade that fails
leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from infra.migrations import schema
from infra.migrations.adoption import Adopted, adoption

HERE = Path(__file__).resolve().parent
UPGRADE_LOCK = 0x636F6C6C  # pg_advisory_xact_lock key


def config(connection: Connection | None = None,
           branches: Iterable[str] = schema.BRANCHES) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    cfg.attributes["branches"] = tuple(branches)
    return cfg


@cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def heads() -> dict[str, str]:
    """The latest revision of each branch."""
    return {_branch_of(head): head for head in scripts().get_heads()}


def current(connection: Connection) -> dict[str, str | None]:
    """The revision each branch is at in this database (None: not migrated)."""
    at: dict[str, str | None] = dict.fromkeys(schema.BRANCHES)
    for revision in MigrationContext.configure(connection).get_current_heads():
        at[_branch_of(revision)] = revision
    return at


def is_current(connection: Connection, branches: Iterable[str] = schema.BRANCHES) -> bool:
    latest, at = heads(), current(connection)
    return all(at[branch] == latest[branch] for branch in branches)


def upgrade(bind: Engine | Connection,
            branches: Iterable[str] = schema.BRANCHES) -> list[Adopted]:
    """Bring these branches to their head, adopting a store written before migrations
    first; return what was adopted (nothing, for a database migrations already own)."""
    wanted = tuple(branches)
    with _transaction(bind) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        if is_current(connection, wanted):
            return []
        cfg = config(connection, wanted)
        unversioned = [b for b in wanted if current(connection)[b] is None]
        adopted = [found for b in unversioned
                   if (found := adoption(connection, b, baseline_of(b).module.BASELINE))]
        for found in adopted:
            found.create_missing(connection)
            command.stamp(cfg, baseline_of(found.branch).revision)
        _upgrade(cfg, "heads" if set(wanted) == set(schema.BRANCHES) else f"{wanted[0]}@head")
    return adopted


def _upgrade(cfg: Config, target: str) -> None:
    """What `alembic.command.upgrade` does (through the same `_upgrade_revs` it calls),
    without reading the scripts and env.py again each time: tests migrate hundreds of
    in-memory databases, and this keeps each to about the cost of ``create_all``."""
    script = scripts()
    with EnvironmentContext(cfg, script, destination_rev=target,
                            fn=lambda revision, _: script._upgrade_revs(target, revision)):
        run_migrations(cfg.attributes["connection"])


def run_migrations(connection: Connection) -> None:
    """What env.py does: migrate on the given connection, comparing (autogenerate) with
    the branches' tables and never with the eventsourcing library's."""
    from alembic import context

    context.configure(
        connection=connection,
        target_metadata=schema.metadata(context.config.attributes.get("branches")
                                        or schema.BRANCHES),
        include_name=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


def ours(name: str | None, kind: str, parent: Any) -> bool:
    """Autogenerate's filter: every table but the eventsourcing library's."""
    return not (kind == "table" and name in schema.LIBRARY_TABLES)


def baseline_of(branch: str) -> Script:
    """The first revision of a branch: what an earlier release's tables must match."""
    *_, first = scripts().iterate_revisions(f"{branch}@head", "base")
    return first


def _branch_of(revision: str) -> str:
    script = scripts().get_revision(revision)
    assert script is not None, revision
    [branch] = set(script.branch_labels) & set(schema.BRANCHES)
    return branch


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction on an engine, or the caller's connection as it is."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.begin() as connection:
        yield connection
