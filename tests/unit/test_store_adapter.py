"""The eventsourcing library's internals are reached in one module, `ledger.store_adapter`,
so an upgrade of the library has one place to check."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from ledger.application import SNAPSHOT_INTERVAL
from tests.builders import make_service
from tests.unit.given import an_account, an_invoice

ROOT = Path(__file__).resolve().parents[2]
INTERNALS = ("_take_snapshots", "events_record_cls", "recorder.datastore", "_insert_stored_events",
             "_lock_table", "_notify_channel")
ADAPTER = "ledger/store_adapter.py"


def test_no_module_but_the_adapter_uses_the_librarys_internals() -> None:
    users = [
        f"{path.relative_to(ROOT).as_posix()}: {name}"
        for package in ("ledger", "api", "consumers", "infra", "colledger", "bench", "tests")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in (ADAPTER, "tests/unit/test_store_adapter.py")
        for name in INTERNALS if name in path.read_text(encoding="utf-8")
    ]

    assert users == []


def test_an_account_crossing_the_interval_is_snapshotted_at_that_version() -> None:
    service, _ = make_service()
    an_account(service, "ACC-1")
    for n in range(SNAPSHOT_INTERVAL):
        an_invoice(service, f"INV-{n}", "1.00", account="ACC-1")
    account = service.account("ACC-1")

    [snapshot] = list(service.app.snapshots.get(account.id))  # type: ignore[union-attr]

    assert snapshot.originator_version == SNAPSHOT_INTERVAL
    assert account.version == SNAPSHOT_INTERVAL + 1


def test_an_account_loads_in_one_read_as_the_repository_reconstructs_it() -> None:
    service, _ = make_service()
    an_account(service, "ACC-1")
    for n in range(SNAPSHOT_INTERVAL + 7):
        an_invoice(service, f"INV-{n}", "1.00", account="ACC-1")
    an_account(service, "ACC-2")
    for number in ("ACC-1", "ACC-2"):
        account_id = service.account(number).id
        loaded = service.app.load_aggregate(account_id)
        rebuilt = service.app.repository.get(account_id)
        assert vars(loaded) == vars(rebuilt)
    assert service.app.load_aggregate(uuid4()) is None
