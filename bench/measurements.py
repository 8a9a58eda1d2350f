"""The four timed runs: ledger and baseline, one command per transaction and in bulk.

Only the appends are timed. Opening the accounts the single-command run writes to is
set-up; the bulk import opens its own accounts, so there opening is part of the work.
Events are counted from the store (its last notification id), not from the plan, so a
command that wrote fewer or more events than expected cannot flatter the rate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.baseline import BaselineApplication
from bench.workload import ACTOR, Step, chunks, ledger_command
from infra.bootstrap import bootstrap, event_store_env
from infra.settings import Settings
from ledger.service import LedgerService

SINGLE = "single"
BULK = "bulk"


@dataclass(frozen=True)
class Measurement:
    scenario: str
    store: str
    system: str
    events: int
    transactions: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def events_in(app: Any) -> int:
    return int(app.recorder.max_notification_id() or 0)


def close(app: Any) -> None:
    """Give the connections back now, so a PostgreSQL database can be dropped at the end.

    Only the ledger's application says where its engine is (``ledger.store_adapter``); the
    bare library's pool goes with the application, and dropping a database disconnects
    whoever is left (``tests.support.postgres_databases.drop_database``)."""
    app.close()
    datastore = getattr(app, "datastore", None)
    if datastore is not None:
        datastore.engine.dispose()


def ledger_single(openings: list[Step], steps: list[Step], url: str) -> tuple[int, float]:
    service = bootstrap(Settings(database_url=url)).service
    try:
        _ledger_batch(service, [ledger_command(s) for s in openings])
        commands = [ledger_command(step) for step in steps]
        before = events_in(service.app)
        started = time.perf_counter()
        for command in commands:
            service.execute(command, ACTOR)
        seconds = time.perf_counter() - started
        return events_in(service.app) - before, seconds
    finally:
        close(service.app)


def ledger_bulk(steps: list[Step], chunk: int, url: str) -> tuple[int, float]:
    service = bootstrap(Settings(database_url=url)).service
    try:
        batches = [[ledger_command(s) for s in batch] for batch in chunks(steps, chunk)]
        before = events_in(service.app)
        started = time.perf_counter()
        for batch in batches:
            _ledger_batch(service, batch)
        seconds = time.perf_counter() - started
        return events_in(service.app) - before, seconds
    finally:
        close(service.app)


def _ledger_batch(service: LedgerService, commands: list[Any]) -> None:
    report = service.execute_batch(commands, ACTOR)
    if report.errors:
        position, error = min(report.errors.items())
        raise RuntimeError(f"the ledger rejected {commands[position]!r}: {error}")


def baseline_single(openings: list[Step], steps: list[Step], url: str) -> tuple[int, float]:
    app = BaselineApplication(env=event_store_env(url))
    try:
        app.import_steps(openings)
        before = events_in(app)
        started = time.perf_counter()
        for step in steps:
            app.carry_out(step)
        seconds = time.perf_counter() - started
        return events_in(app) - before, seconds
    finally:
        close(app)


def baseline_bulk(steps: list[Step], chunk: int, url: str) -> tuple[int, float]:
    app = BaselineApplication(env=event_store_env(url))
    try:
        batches = chunks(steps, chunk)
        before = events_in(app)
        started = time.perf_counter()
        for batch in batches:
            app.import_steps(batch)
        seconds = time.perf_counter() - started
        return events_in(app) - before, seconds
    finally:
        close(app)
