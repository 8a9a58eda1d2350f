"""Builders shared by test tiers: a ledger on a given store with a controllable clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, text

from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.aggregates.account import account_id_for
from ledger.commands.base import Actor
from ledger.demo import demo_commands
from ledger.service import LedgerService

MANAGER = Actor("manager-1", "manager")
OTHER_MANAGER = Actor("manager-2", "manager")
AGENT = Actor("agent-1", "agent")
SERVICE = Actor("erp", "service")


@dataclass
class SteppingClock:
    """A UTC clock that moves forward one millisecond per reading, from a settable start."""

    now: datetime = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def set_day(self, day: date, at: time = time(9, 0)) -> None:
        self.now = max(self.now, datetime.combine(day, at, tzinfo=UTC))


def make_service(
    database_url: str = "sqlite:///:memory:", clock: SteppingClock | None = None, **settings: object
) -> tuple[LedgerService, SteppingClock]:
    clock = clock or SteppingClock()
    service = bootstrap(Settings(database_url=database_url, **settings), clock=clock)  # type: ignore[arg-type]
    return service, clock


Rows = dict[str, list[tuple[object, ...]]]


def table_rows(service: LedgerService, tables: dict[str, object]) -> Rows:
    """Every row of every table, sorted: for comparing read models row for row."""
    with service.app.datastore.transaction(commit=False) as session:
        return {
            name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)  # type: ignore[arg-type]
            for name, table in tables.items()
        }


def load_demo(service: LedgerService, accounts: int, months: int, seed: int) -> None:
    """The deterministic demo portfolio to mid-2026, 200 commands per transaction."""
    steps = list(demo_commands(accounts, months, seed, date(2026, 6, 30)))
    for start in range(0, len(steps), 200):
        batch = steps[start:start + 200]
        report = service.execute_batch(
            [s.command for s in batch], batch[0].actor,
            recorded_at=[s.recorded_at for s in batch], actors=[s.actor for s in batch],
        )
        assert not report.errors


def edit_amount(service: LedgerService, number: str, version: int) -> None:
    """Raw SQL behind the ledger's back, on its own connection (so also for SQLite in
    memory): the stored event's amount becomes 1.00."""
    record = service.app.recorder.events_record_cls  # type: ignore[attr-defined]
    with service.app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(
            record.originator_id == account_id_for(number), record.originator_version == version
        ).one()
        state = json.loads(bytes(row.state))
        state["amount"]["_data_"] = "1.00"
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state).encode(), "id": row.id})
