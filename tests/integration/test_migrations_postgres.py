"""Schema migrations on PostgreSQL (`tests/migration_contract.py`), and processes starting
together on one new database."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine

from infra.migrations.runner import upgrade
from tests.migration_contract import MigrationContract, differences

pytestmark = pytest.mark.postgres


class TestMigrationsOnPostgres(MigrationContract):
    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url


def test_processes_upgrading_one_database_at_once_migrate_it_once(
    postgres_database_url: str,
) -> None:
    """The advisory lock: the first migrates, the others wait and find the work done."""
    engines = [create_engine(postgres_database_url) for _ in range(4)]
    start, errors = threading.Barrier(len(engines)), []

    def upgrading(engine: object) -> None:
        start.wait()
        try:
            upgrade(engine)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=upgrading, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert differences(engines[0]) == []
    for engine in engines:
        engine.dispose()
