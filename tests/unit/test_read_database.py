"""`bootstrap` with ``read_models_url``: read models on a database of their own (SQLite
files here; two PostgreSQL databases in tests/integration/test_read_database_postgres.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect

from colledger.main import main
from infra.settings import Settings
from ledger.commands.accounts import OpenAccount
from ledger.projections.projection_mode import ModeConflict
from ledger.projections.read_database import ReadDatabase
from tests.builders import MANAGER, make_ledger
from tests.unit.given import a_payment, an_account, an_invoice


def tables_in(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_commands_go_to_the_store_and_the_read_models_to_their_own_database(
    tmp_path: Path,
) -> None:
    ledger, clock = make_ledger(f"sqlite:///{tmp_path / 'store.db'}",
                                read_models_url=f"sqlite:///{tmp_path / 'reads.db'}")
    clock.set_day(date(2026, 2, 10))
    ledger.service.execute(OpenAccount(account="ACC-1", name="Split Ltd", currency="USD",
                                       contact={"email": "ap@split.example"}), MANAGER)
    an_invoice(ledger.service, "INV-1", "1000.00")
    a_payment(ledger.service, "PAY-1", "250.00", date(2026, 2, 5))

    view = ledger.service.account_as_of("ACC-1")

    assert view["totals"]["USD"]["outstanding"] == "750.00"
    assert view["contact"] == {"email": "ap@split.example"}, "keys are read from the store"
    assert isinstance(ledger.read_models.store, ReadDatabase)
    store, reads = tables_in(tmp_path / "store.db"), tables_in(tmp_path / "reads.db")
    assert "ledger_events" in store and not {t for t in store if t.startswith("rm_")}
    assert "projection_tracking" not in store
    assert "rm_invoices" in reads and "ledger_events" not in reads
    assert ledger.read_models.lag() == 0


def test_without_a_read_database_the_read_models_share_the_store() -> None:
    ledger, _ = make_ledger()

    assert ledger.read_models.store is ledger.app.datastore
    assert ledger.read_models.follows_log


def test_kafka_can_only_feed_a_read_database_of_its_own() -> None:
    with pytest.raises(ValidationError, match="COLLEDGER_READ_MODELS_URL"):
        Settings(read_models_fed_by="kafka")


def test_a_ledger_whose_read_models_kafka_feeds_never_applies_the_log(tmp_path: Path) -> None:
    ledger, clock = make_ledger(f"sqlite:///{tmp_path / 'store.db'}",
                                read_models_url=f"sqlite:///{tmp_path / 'reads.db'}",
                                read_models_fed_by="kafka")
    clock.set_day(date(2026, 2, 10))
    an_account(ledger.service)
    models = ledger.read_models

    assert (models.catch_up(), models.start_following(), models.runner.positions()) == (
        0, None, dict.fromkeys(models.runner.positions(), 0))
    assert not models.wait_for(1, timeout=0.05), "no worker applied the account yet"
    assert models.lag() == 1
    with pytest.raises(ModeConflict, match="Kafka workers keep"):
        models.rebuild()


def test_project_and_rebuild_refuse_a_read_database_kafka_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLLEDGER_READ_MODELS_URL", f"sqlite:///{tmp_path / 'reads.db'}")
    monkeypatch.setenv("COLLEDGER_READ_MODELS_FED_BY", "kafka")
    store = ["--database-url", f"sqlite:///{tmp_path / 'store.db'}"]

    assert main([*store, "project"]) == 2
    assert main([*store, "rebuild"]) == 2
    assert "fed by Kafka" in capsys.readouterr().err


def test_db_upgrade_migrates_each_database_with_its_own_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLLEDGER_READ_MODELS_URL", f"sqlite:///{tmp_path / 'reads.db'}")
    store = ["--database-url", f"sqlite:///{tmp_path / 'store.db'}"]

    assert main([*store, "db", "upgrade"]) == 0
    assert main([*store, "db", "current"]) == 0
    assert "personal_data_keys" in tables_in(tmp_path / "store.db")
    assert "rm_invoices" not in tables_in(tmp_path / "store.db")
    assert "rm_invoices" in tables_in(tmp_path / "reads.db")
    assert "personal_data_keys" not in tables_in(tmp_path / "reads.db")
