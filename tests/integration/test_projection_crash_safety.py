"""Projections survive crashes and racing workers without applying an event twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.commands.accounts import OpenAccount
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.projections.read_models import ReadModels
from ledger.projections.registry import all_projections
from ledger.projections.runner import ProjectionRunner
from ledger.projections.tracking import TrackingConflict
from ledger.service import LedgerService
from tests.builders import SERVICE, make_service, table_rows
from tests.support.reliability import RecordFigures


def fill(service: LedgerService, accounts: int = 5, invoices: int = 20) -> None:
    commands: list = []
    for a in range(accounts):
        number = f"CR-{a}"
        commands.append(OpenAccount(account=number, name=f"Crash {a}", currency="USD"))
        for n in range(invoices):
            commands.append(IssueInvoice(
                account=number, invoice_id=f"I-{n}", amount=Decimal("100.00"), currency="USD",
                issue_date=date(2026, 1, 1 + n % 28),
            ))
            commands.append(RecordPayment(
                account=number, payment_id=f"P-{n}", amount=Decimal("30.00"), currency="USD",
                received_on=date(2026, 2, 1 + n % 28),
            ))
    service.execute_batch(commands, SERVICE)


def all_rows(service: LedgerService, models: ReadModels) -> dict[str, list]:
    tables = {f"{p}.{t}": table for p, ts in models.runner.live.items() for t, table in ts.items()}
    return table_rows(service, tables)


def rebuilt_rows(service: LedgerService, models: ReadModels) -> dict[str, list]:
    models.rebuild()
    return all_rows(service, models)


class Boom(Exception):
    pass


def crash_on_second_batch() -> object:
    batches = []

    def before_commit(session: object, events: object) -> None:
        batches.append(events)
        if len(batches) == 2:
            raise Boom("killed between the read-model write and the commit")

    return before_commit


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def test_a_crash_before_commit_leaves_rows_and_position_as_they_were(
    database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(database_url)
    fill(service)
    crashing = ProjectionRunner(service.app, all_projections(), batch_size=50,
                                before_commit=crash_on_second_batch())  # type: ignore[arg-type]

    with pytest.raises(Boom):
        crashing.catch_up()

    record_figures({"crashes between read-model writes and their commit": 1})
    assert set(crashing.positions().values()) == {50}
    models = ReadModels(service.app, batch_size=37)
    models.catch_up()
    incremental = all_rows(service, models)
    assert incremental == rebuilt_rows(service, models)


@pytest.mark.postgres
def test_two_workers_racing_for_one_batch_apply_it_once(postgres_database_url: str) -> None:
    service, _ = make_service(postgres_database_url)
    fill(service, accounts=3, invoices=10)
    other, _ = make_service(postgres_database_url)
    inside = threading.Event()

    def hold_the_batch(session: object, events: object) -> None:
        inside.set()
        time.sleep(0.5)

    first = ProjectionRunner(service.app, all_projections(), batch_size=40,
                             before_commit=hold_the_batch)
    second = ProjectionRunner(other.app, all_projections(), batch_size=40)
    start = second.positions()["open_items"]
    worker = threading.Thread(target=first.run_once)
    worker.start()
    assert inside.wait(10)

    with pytest.raises(TrackingConflict):
        second._advance(start, second.projections)
    worker.join()

    models = ReadModels(other.app)
    models.catch_up()
    assert all_rows(other, models) == rebuilt_rows(other, models)


@pytest.mark.postgres
def test_a_worker_killed_mid_stream_resumes_with_identical_results(
    postgres_database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(postgres_database_url)
    fill(service, accounts=8, invoices=40)
    head = service.app.recorder.max_notification_id() or 0
    models = ReadModels(service.app)
    command = [sys.executable, "-m", "colledger.main", "--database-url", postgres_database_url,
               "project", "--follow", "--batch-size", "10", "--interval", "0.05"]
    root = Path(__file__).resolve().parents[2]

    worker = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while models.runner.lowest_position() < head // 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    killed_at = models.runner.lowest_position()
    record_figures({"processes killed with SIGKILL": 1})

    assert 0 < killed_at < head, "the worker should have been killed mid-stream"
    restarted = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    try:
        assert models.wait_for(head, timeout=60)
    finally:
        restarted.terminate()
        restarted.wait(10)
    assert all_rows(service, models) == rebuilt_rows(service, models)
