"""Fixtures shared by the whole test suite.

Keep this file generic: fixtures that only one area of the suite needs belong in a
``conftest.py`` next to those tests. Each section below is one resource.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from infra.postgres_databases import create_database, drop_database, unique_database_name
from infra.postgres_server import PostgresServer

# ---------------------------------------------------------------------------------------
# PostgreSQL
#
# One server per test session (started lazily, only if a test asks for it), and one fresh
# database per test so tests cannot see each other's tables. Point
# COLLEDGER_TEST_DATABASE_URL at an existing server to skip starting one; its account
# needs CREATEDB for the per-test databases.

DATABASE_URL_ENV = "COLLEDGER_TEST_DATABASE_URL"

DatabaseFactory = Callable[[], str]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of the session's database, shared by every test that uses it."""
    external_url = os.environ.get(DATABASE_URL_ENV)
    if external_url:
        yield external_url
        return
    with PostgresServer() as server:
        yield server.url


@pytest.fixture
def postgres_database_factory(
    postgres_url: str, request: pytest.FixtureRequest
) -> Iterator[DatabaseFactory]:
    """Call it to get the URL of another new, empty database; all are dropped afterwards."""
    created: list[str] = []

    def new_database() -> str:
        name = unique_database_name(request.node.name)
        url = create_database(postgres_url, name)
        created.append(name)
        return url

    yield new_database
    for name in reversed(created):
        drop_database(postgres_url, name)


@pytest.fixture
def postgres_database_url(postgres_database_factory: DatabaseFactory) -> str:
    """SQLAlchemy URL of a new, empty database that only this test uses."""
    return postgres_database_factory()
