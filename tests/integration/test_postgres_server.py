"""The throwaway PostgreSQL server and the per-test database fixtures really work.

Everything else that touches PostgreSQL builds on these, so a failure here explains
failures elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg2
import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from tests.support.postgres_databases import (
    create_database,
    database_exists,
    drop_database,
    unique_database_name,
)
from tests.support.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres


def engine_for(url: str) -> Engine:
    return create_engine(url)


@pytest.fixture
def engine(postgres_database_url: str) -> Iterator[Engine]:
    engine = engine_for(postgres_database_url)
    yield engine
    engine.dispose()


def test_server_runs_sql_through_sqlalchemy(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id int PRIMARY KEY, amount numeric)"))
        connection.execute(
            text("INSERT INTO invoices VALUES (:id, :amount)"),
            [{"id": 1, "amount": "10.50"}, {"id": 2, "amount": "4.25"}],
        )
    with engine.connect() as connection:
        total = connection.execute(text("SELECT sum(amount) FROM invoices")).scalar_one()
        version = connection.execute(text("SHOW server_version_num")).scalar_one()
    assert str(total) == "14.75"
    assert int(version) >= 130000


def test_session_database_is_the_configured_one(postgres_url: str) -> None:
    engine = engine_for(postgres_url)
    try:
        with engine.connect() as connection:
            database = connection.execute(text("SELECT current_database()")).scalar_one()
            encoding = connection.execute(text("SHOW server_encoding")).scalar_one()
    finally:
        engine.dispose()
    assert database == make_url(postgres_url).database
    assert encoding == "UTF8"


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_gets_a_fresh_database(engine: Engine, postgres_url: str, run: str) -> None:
    # Whichever run comes second would hit "relation already exists" if they shared one.
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE isolation_probe (run text)"))
        connection.execute(text("INSERT INTO isolation_probe VALUES (:run)"), {"run": run})
        database = connection.execute(text("SELECT current_database()")).scalar_one()
    assert database != make_url(postgres_url).database


def test_databases_do_not_see_each_others_tables(
    postgres_database_url: str, postgres_database_factory: Callable[[], str]
) -> None:
    other_url = postgres_database_factory()
    assert other_url != postgres_database_url
    first, second = engine_for(postgres_database_url), engine_for(other_url)
    try:
        with first.begin() as connection:
            connection.execute(text("CREATE TABLE only_in_first (id int)"))
        with second.connect() as connection:
            visible = connection.execute(
                text("SELECT to_regclass('only_in_first') IS NOT NULL")
            ).scalar_one()
        assert visible is False
    finally:
        first.dispose()
        second.dispose()


def test_drop_database_disconnects_lingering_clients(postgres_url: str) -> None:
    name = unique_database_name("drop_probe")
    url = create_database(postgres_url, name)
    lingering = engine_for(url).connect()  # deliberately left open, as a leaky test would
    try:
        drop_database(postgres_url, name)
        assert not database_exists(postgres_url, name)
    finally:
        lingering.invalidate()
        lingering.close()


def test_stop_really_stops_the_server() -> None:
    server = PostgresServer(database="stop_probe")
    server.start()
    try:
        host, port, workdir = server.host, server.port, server.workdir
        with psycopg2.connect(host=host, port=port, user="postgres", dbname="stop_probe"):
            pass
        assert server.is_running
    finally:
        server.stop()

    assert not server.is_running
    assert not workdir.exists()
    with pytest.raises(psycopg2.OperationalError, match="refused"):
        psycopg2.connect(host=host, port=port, user="postgres", dbname="stop_probe")
    server.stop()  # idempotent
