"""What the schema migrations must do on every backend: one contract, a subclass per backend.

The tables a migrated database holds are exactly the ones the code declares (Alembic's
autogenerate finds no difference); the read-model branch migrates a database of its own;
a store written before migrations is adopted with its data; events stored before their
digests were get theirs; and a ledger told not to upgrade on start refuses a schema that is
behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import Engine

from colledger.main import main
from infra.bootstrap import SchemaNotCurrent
from infra.migrations import schema
from infra.migrations.adoption import StoreNotAdoptable
from infra.migrations.runner import baseline_of, config, current, heads, ours, upgrade
from ledger.audit.recording import record_checkpoint
from ledger.commands.command_log import command_log
from tests.builders import make_service
from tests.unit.given import an_account, an_invoice

LAZY = ("api_keys", "ledger_checkpoint_heads", "kafka_projection_offsets",
        "kafka_projection_versions")
"""Tables the release before migrations made only when first needed."""


def differences(engine: Engine, branches: tuple[str, ...] = schema.BRANCHES) -> list[object]:
    """What autogenerate would write to bring the database to the code's tables."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": ours, "compare_type": True})
        return list(compare_metadata(context, schema.metadata(branches)))


def tables_in(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def as_an_earlier_release_left_it(url: str) -> None:
    """A store with an account, whose schema is what the release before migrations made:
    each branch's baseline, the tables it had needed so far, and no ``alembic_version``."""
    service, _ = make_service(url)
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "250.00", account="ACC-1")
    service.app.datastore.engine.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        for branch in schema.BRANCHES:
            command.downgrade(config(connection), baseline_of(branch).revision)
        for name in ("alembic_version", *LAZY):
            connection.execute(text(f"DROP TABLE {name}"))
    engine.dispose()


def as_stored_before_digests(url: str) -> dict[int, bytes]:
    """The store as the release before stored digests left it: each event's state without
    the digest recording appends last, and the store branch at the revision before. Returns
    the states as they were, by row id."""
    engine = create_engine(url)
    with engine.begin() as connection:
        command.downgrade(config(connection), "store_0002")  # the revisions after it
    with engine.begin() as connection:
        states = {row_id: bytes(state) for row_id, state in connection.execute(
            text("SELECT id, state FROM ledger_events"))}
        for row_id, state in states.items():
            connection.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                               {"s": without_digest(state), "id": row_id})
        connection.execute(text("UPDATE alembic_version SET version_num = 'store_0001' "
                                "WHERE version_num = 'store_0002'"))
    engine.dispose()
    return states


def without_digest(state: bytes) -> bytes:
    return re.sub(rb',"digest":"[0-9a-f]{64}"}$', b"}", state)


def event_states(engine: Engine) -> dict[int, bytes]:
    with engine.connect() as connection:
        return {row_id: bytes(state) for row_id, state in connection.execute(
            text("SELECT id, state FROM ledger_events"))}


def a_store_with_every_chain(url: str) -> None:
    """An account's events, and a checkpoint (a ledger-level chain), then closed."""
    service, clock = make_service(url)
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "250.00", account="ACC-1")
    record_checkpoint(service.app, "auditor-1", clock)
    service.app.datastore.engine.dispose()


class MigrationContract:
    """Subclasses provide ``database_url``: a new, empty database."""

    @pytest.fixture
    def database_url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def engine(self, database_url: str) -> Iterator[Engine]:
        engine = create_engine(database_url)
        yield engine
        engine.dispose()

    def test_migrations_make_exactly_the_tables_the_code_declares(self, engine: Engine) -> None:
        assert upgrade(engine) == []

        assert differences(engine) == []
        assert tables_in(engine) == set(schema.metadata().tables) | {"alembic_version"}
        with engine.connect() as connection:
            assert current(connection) == heads()

    def test_an_upgraded_schema_is_left_alone(self, engine: Engine) -> None:
        upgrade(engine)

        assert upgrade(engine) == []
        assert differences(engine) == []

    def test_the_read_models_migrate_in_a_database_of_their_own(self, engine: Engine) -> None:
        upgrade(engine, [schema.READ_MODELS])

        assert tables_in(engine) == schema.table_names(schema.READ_MODELS) | {"alembic_version"}
        assert differences(engine, (schema.READ_MODELS,)) == []
        with engine.connect() as connection:
            assert current(connection) == {schema.STORE: None,
                                           schema.READ_MODELS: heads()[schema.READ_MODELS]}

    def test_a_store_written_before_migrations_is_adopted_with_its_data(
        self, database_url: str, engine: Engine, capsys: pytest.CaptureFixture[str],
    ) -> None:
        as_an_earlier_release_left_it(database_url)
        with engine.connect() as connection:
            logged = connection.execute(select(command_log.c.command_id)).all()
        assert len(logged) == 2

        assert main(["--database-url", database_url, "db", "upgrade"]) == 0

        out = capsys.readouterr().out
        assert "adopted the store tables" in out and "adopted the read_models tables" in out
        assert differences(engine) == []
        with engine.connect() as connection:
            assert current(connection) == heads()
            assert connection.execute(select(command_log.c.command_id)).all() == logged
        service, _ = make_service(database_url)
        assert [e["type"] for e in service.history("ACC-1")] == ["AccountOpened",
                                                                 "InvoiceIssued"]
        service.app.datastore.engine.dispose()

    def test_events_stored_before_digests_get_the_digest_recording_stores_and_verify(
        self, database_url: str, engine: Engine, capsys: pytest.CaptureFixture[str],
    ) -> None:
        a_store_with_every_chain(database_url)
        recorded = as_stored_before_digests(database_url)

        assert main(["--database-url", database_url, "db", "upgrade"]) == 0

        with engine.connect() as connection:
            assert current(connection) == heads()
        assert event_states(engine) == recorded, "byte for byte what recording stored"
        assert main(["--database-url", database_url, "verify"]) == 0, capsys.readouterr()

        with engine.begin() as connection:
            command.downgrade(config(connection), "store_0001")
        assert event_states(engine) == {i: without_digest(s) for i, s in recorded.items()}

    def test_an_event_that_no_longer_decodes_is_left_for_verification_to_report(
        self, database_url: str, engine: Engine, capsys: pytest.CaptureFixture[str],
    ) -> None:
        a_store_with_every_chain(database_url)
        as_stored_before_digests(database_url)
        with engine.begin() as connection:
            row_id, state = connection.execute(text(
                "SELECT id, state FROM ledger_events WHERE topic LIKE :topic"),
                {"topic": "%:InvoiceIssued"}).one()
            edited = bytes(state).replace(b'"250.00"', b'"ten dollars"')
            connection.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                               {"s": edited, "id": row_id})

        assert main(["--database-url", database_url, "db", "upgrade"]) == 0

        with engine.connect() as connection:
            assert bytes(connection.execute(text(
                "SELECT state FROM ledger_events WHERE id = :id"), {"id": row_id}).scalar_one()
            ) == edited
        capsys.readouterr()
        assert main(["--database-url", database_url, "verify"]) == 1
        assert "ACC-1 v2 payload-changed" in capsys.readouterr().out

    def test_a_ledger_starting_on_an_earlier_release_store_adopts_it(
        self, database_url: str, engine: Engine,
    ) -> None:
        as_an_earlier_release_left_it(database_url)

        service, _ = make_service(database_url)

        assert service.account("ACC-1").version == 2
        service.app.datastore.engine.dispose()
        assert differences(engine) == []

    def test_tables_no_release_made_are_refused_and_left_as_they_are(
        self, database_url: str, engine: Engine,
    ) -> None:
        as_an_earlier_release_left_it(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE rm_reminders"))
            connection.execute(text("CREATE TABLE rm_reminders (account_id VARCHAR(36))"))

        with pytest.raises(StoreNotAdoptable, match="rm_reminders"):
            upgrade(engine)

        assert "alembic_version" not in tables_in(engine)
        assert "kafka_projection_offsets" not in tables_in(engine)

    def test_db_current_names_each_branch_and_whether_it_is_at_the_head(
        self, database_url: str, engine: Engine, capsys: pytest.CaptureFixture[str],
    ) -> None:
        upgrade(engine, [schema.READ_MODELS])

        assert main(["--database-url", database_url, "db", "current"]) == 1
        behind = capsys.readouterr().out
        assert main(["--database-url", database_url, "db", "upgrade"]) == 0
        assert main(["--database-url", database_url, "db", "current"]) == 0
        at_head = capsys.readouterr().out.splitlines()[-2:]

        latest = heads()
        assert f"store - (latest is {latest['store']})" in behind
        assert at_head == [f"{branch} {latest[branch]} (head)" for branch in schema.BRANCHES]

    def test_a_ledger_that_may_not_upgrade_refuses_a_schema_behind_it(
        self, database_url: str,
    ) -> None:
        with pytest.raises(SchemaNotCurrent, match="colledger db upgrade"):
            make_service(database_url, upgrade_schema_on_start=False)

        assert main(["--database-url", database_url, "db", "upgrade"]) == 0
        service, _ = make_service(database_url, upgrade_schema_on_start=False)
        an_account(service, "ACC-1")
        service.app.datastore.engine.dispose()
