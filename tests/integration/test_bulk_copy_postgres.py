"""Events and command-log rows copied into PostgreSQL (`ledger.bulk_copy`) are the rows the
library and the command log would insert, and the notification log keeps its order: ids are
drawn under the table lock, so a writer that commits late never leaves an id behind a
reader's position."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError
from sqlalchemy import select

from ledger.bulk_copy import can_copy
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.bus import BatchReport, is_race
from ledger.commands.command_log import command_log
from ledger.commands.receivables import IssueInvoice
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service

pytestmark = pytest.mark.postgres


def batch(accounts: int, invoices: int, prefix: str = "ACC") -> list[Command]:
    commands: list[Command] = [
        OpenAccount(account=f"{prefix}-{a}", command_id=f"{prefix}-open-{a}",
                    name=f"Back\\slash {a} ünï", currency="EUR", effective_on=date(2026, 1, 1))
        for a in range(accounts)
    ]
    return commands + [
        IssueInvoice(account=f"{prefix}-{a}", command_id=f"{prefix}-inv-{a}-{n}",
                     invoice_id=f"INV-{n}", amount=Decimal("10.05") * (n + 1), currency="EUR",
                     issue_date=date(2026, 1, 2), reference="quote \" back\\slash ünïcode")
        for a in range(accounts) for n in range(invoices)
    ]


def rows(service: LedgerService) -> list[tuple[object, ...]]:
    return [(n.originator_id, n.originator_version, n.topic, n.state)
            for n in service.app.notifications_after(0, 1_000_000)]


def logged(service: LedgerService) -> list[tuple[object, ...]]:
    columns = [c for c in command_log.columns if c.name != "recorded_at"]
    with service.app.datastore.transaction(commit=False) as session:
        return [tuple(row) for row in session.execute(
            select(*columns).order_by(command_log.c.command_id))]


def test_a_copied_batch_stores_the_very_rows_the_library_inserts(
    postgres_database_url: str, tmp_path: Path
) -> None:
    copied, _ = make_service(postgres_database_url)
    inserted, _ = make_service(f"sqlite:///{tmp_path / 'ledger.db'}")
    with copied.app.datastore.transaction(commit=False) as session:
        assert can_copy(session.connection())
    commands = batch(accounts=4, invoices=30)

    report = copied.execute_batch(commands, MANAGER)
    inserted.execute_batch(commands, MANAGER)

    assert not report.errors
    assert rows(copied) == rows(inserted)
    assert logged(copied) == logged(inserted)
    ids = [n.id for n in copied.app.notifications_after(0, 1_000_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {r.position for r in report.results.values()} <= set(ids)


def test_a_writer_waits_for_the_one_holding_the_log_so_ids_commit_in_order(
    postgres_database_url: str,
) -> None:
    first, _ = make_service(postgres_database_url)
    second, _ = make_service(postgres_database_url)
    first.execute_batch(batch(1, 1, "A"), MANAGER)
    reports: list[BatchReport] = []

    def write_second() -> None:
        reports.append(second.execute_batch(batch(1, 40, "B"), MANAGER))

    with first.app.datastore.transaction(commit=True):
        late = first.execute_batch(batch(1, 40, "C"), MANAGER)  # copied; joins the transaction
        writer = threading.Thread(target=write_second)
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()  # held at the table lock until the first commits
    writer.join(timeout=10)
    [after] = reports
    late_positions = [r.position or 0 for r in late.results.values()]
    assert max(late_positions) < min(r.position or 0 for r in after.results.values())


def test_a_version_already_stored_is_a_race_the_bus_would_retry(
    postgres_database_url: str,
) -> None:
    service, _ = make_service(postgres_database_url)
    service.execute_batch(batch(1, 2), MANAGER)
    stored = list(service.app.events.get(service.account("ACC-0").id))[-1]
    with pytest.raises(IntegrityError):
        service.app.events.put([stored])
    assert is_race(IntegrityError())
