"""Where each measurement writes: a fresh, empty database per run of one system.

Every (scenario, system) pair gets a store of its own, so the ledger and the baseline
never share tables and no run appends behind another's rows. SQLite stores are files in
a temp directory (a file, not memory: the point is to include the disk). PostgreSQL
stores are databases on a throwaway server, or on ``COLLEDGER_BENCH_DATABASE_URL`` when
set (its account needs ``CREATEDB``; the databases are dropped afterwards).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from tests.support.postgres_databases import create_database, drop_database, unique_database_name
from tests.support.postgres_server import PostgresServer

EXTERNAL_URL_VARIABLE = "COLLEDGER_BENCH_DATABASE_URL"
# Called with a label such as "bulk_ledger"; returns the URL of a new, empty store.
NewStore = Callable[[str], str]


@contextmanager
def sqlite_stores() -> Iterator[NewStore]:
    with tempfile.TemporaryDirectory(prefix="colledger-bench-") as directory:
        yield lambda label: f"sqlite:///{Path(directory) / label}.db"


@contextmanager
def postgres_stores() -> Iterator[NewStore]:
    external = os.environ.get(EXTERNAL_URL_VARIABLE)
    if external:
        with databases_on(external) as new_store:
            yield new_store
        return
    with PostgresServer(database="bench") as server:
        yield server.create_database


@contextmanager
def databases_on(server_url: str) -> Iterator[NewStore]:
    """Databases created on an existing server, dropped again on the way out."""
    created: list[str] = []

    def new_store(label: str) -> str:
        name = unique_database_name(f"bench_{label}")
        created.append(name)
        return create_database(server_url, name)

    try:
        yield new_store
    finally:
        for name in created:
            drop_database(server_url, name)


STORES: dict[str, Callable[[], AbstractContextManager[NewStore]]] = {
    "sqlite": sqlite_stores,
    "postgres": postgres_stores,
}
