"""Erasure on a real PostgreSQL: keys in a bytea column, deleted in the erasure's
transaction; financial reads unchanged, the chain verifies, no plaintext in any table."""

from __future__ import annotations

from datetime import date

from ledger.aggregates import account_id_for
from ledger.audit.verification import verify_ledger
from ledger.personal_data import key_table
from ledger.projections.read_models import ReadModels
from tests.builders import make_service
from tests.unit.test_personal_data_erasure import (
    NUMBERS,
    erase,
    every_value,
    fill,
    financial_reads,
    plaintext_hits,
    secrets,
)


def test_erasure_on_postgres_keeps_finances_and_chain_and_leaves_no_plaintext(
    postgres_database_url: str,
) -> None:
    service, clock = make_service(postgres_database_url)
    for number in NUMBERS:
        fill(service, clock, number)
    service.app.take_snapshot(account_id_for("ACC-1"))
    models = ReadModels(service.app, clock=clock)
    models.catch_up()
    assert service.account_as_of("ACC-1", date(2026, 2, 10))["contact"]["email"] == (
        secrets("ACC-1")["email"]
    )
    seen = every_value(service)
    assert any("INV-E" in v for t, v in seen if t == "ledger_events")  # the scan reads bytea
    assert any("Debtor ACC-1" in v for t, v in seen if t == "ledger_snapshots")
    assert plaintext_hits(service, "ACC-1") == []
    before = financial_reads(service, models)

    erase(service, models)

    fresh, _ = make_service(postgres_database_url)
    assert financial_reads(fresh, ReadModels(fresh.app, clock=clock)) == before
    assert verify_ledger(fresh.app).ok
    assert fresh.account_as_of("ACC-1", date(2026, 2, 10))["contact"] is None
    assert plaintext_hits(fresh, "ACC-1") == []
    with fresh.app.datastore.transaction(commit=False) as session:
        assert key_table.find(session, account_id_for("ACC-1")) is None
        assert key_table.find(session, account_id_for("ACC-2")) is not None
