"""Create and drop whole databases on a PostgreSQL server, given only a connection URL.

Tests get a database of their own so that they cannot see each other's tables and need
no cleanup inside the database. This works from a URL alone (not from a
``PostgresServer``) so that it also applies to an externally provided server
(``COLLEDGER_TEST_DATABASE_URL``); the account in the URL needs ``CREATEDB``.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

# PostgreSQL truncates identifiers longer than this many bytes.
MAX_IDENTIFIER_LENGTH = 63


def unique_database_name(label: str = "test") -> str:
    """Return a fresh, valid database name that still says where it came from.

    ``label`` (typically the test's name) is reduced to lowercase ``[a-z0-9_]`` so the name
    never needs quoting in psql, then a random suffix makes it unique across tests, runs
    and parallel workers.
    """
    suffix = uuid.uuid4().hex[:12]
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "db"
    slug = slug[: MAX_IDENTIFIER_LENGTH - len(suffix) - len("t__")]
    return f"t_{slug}_{suffix}"


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server behind ``server_url``; return its URL.

    ``server_url`` may point at any existing database on the server: it is only used to
    issue ``CREATE DATABASE``. The returned URL equals it apart from the database name.
    """
    with _admin_engine(server_url).connect() as connection:
        # PostgreSQL 15 made CREATE DATABASE copy the template through the WAL, which is
        # ~3x slower for the tiny databases tests use; FILE_COPY restores the old, fast way.
        version = connection.dialect.server_version_info or (0,)
        strategy = " STRATEGY FILE_COPY" if version >= (15,) else ""
        connection.execute(text(f"CREATE DATABASE {_quote_identifier(name)}{strategy}"))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, disconnecting anyone still using it.

    Leaked connections (an engine a test forgot to dispose) would otherwise make
    ``DROP DATABASE`` fail, so their backends are terminated first. On PostgreSQL 13+
    ``WITH (FORCE)`` additionally closes the race with a connection arriving in between.
    """
    with _admin_engine(server_url).connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        version = connection.dialect.server_version_info or (0,)
        force = " WITH (FORCE)" if version >= (13,) else ""
        connection.execute(text(f"DROP DATABASE IF EXISTS {_quote_identifier(name)}{force}"))


def database_exists(server_url: str, name: str) -> bool:
    """Tell whether the server behind ``server_url`` has a database called ``name``."""
    with _admin_engine(server_url).connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
    return found is not None


def _admin_engine(server_url: str) -> Engine:
    """An engine for DDL that cannot run in a transaction block, without a lingering pool.

    ``NullPool`` matters: a pooled idle connection to the database being dropped would
    block the drop, and an admin engine per call should leave nothing open behind it.
    """
    return create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _quote_identifier(name: str) -> str:
    """Quote ``name`` as a SQL identifier (database names cannot be bind parameters)."""
    if not name or "\x00" in name:
        raise ValueError(f"invalid database name: {name!r}")
    return '"' + name.replace('"', '""') + '"'
