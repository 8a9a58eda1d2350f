"""Builders shared by test tiers: a ledger on a given store with a controllable clock."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, text

from infra.bootstrap import Ledger, bootstrap
from infra.settings import Settings
from ledger.aggregates.account import account_id_for
from ledger.commands.base import Actor, Command
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

    def reach(self, commands: Iterable[Command]) -> None:
        """Catch up with the latest business moment of ``commands``, if it lies ahead.

        The ledger refuses facts that have not happened yet (a payment received
        tomorrow), while most tests tell a story over weeks: a fact is recorded when it
        happens, as in life. Noon UTC has begun the day from UTC-11 to UTC+11."""
        for command in commands:
            days = [getattr(command, name, None) for name in ("effective_on", "received_on", "day")]
            for day in filter(None, days):
                self.set_day(day, time(12, 0))
            at = getattr(command, "at", None)
            if at is not None:
                self.now = max(self.now, at.astimezone(UTC))


def following_business_dates(service: LedgerService, clock: SteppingClock) -> None:
    """Make ``service``'s command bus move ``clock`` to each command's business moment."""
    bus = service.bus
    execute, execute_batch = bus.execute, bus.execute_batch

    def execute_when_it_happens(command: Command, actor: Actor) -> Any:
        clock.reach([command])
        return execute(command, actor)

    def execute_batch_when_it_happens(commands: Iterable[Command], *args: Any, **kw: Any) -> Any:
        commands = list(commands)
        if kw.get("recorded_at") is None:
            clock.reach(commands)
        return execute_batch(commands, *args, **kw)

    bus.execute = execute_when_it_happens  # type: ignore[method-assign]
    bus.execute_batch = execute_batch_when_it_happens  # type: ignore[method-assign]


def make_ledger(
    database_url: str = "sqlite:///:memory:",
    clock: SteppingClock | None = None,
    follow_business_dates: bool = True,
    **settings: object,
) -> tuple[Ledger, SteppingClock]:
    """The whole ledger on ``database_url``, as the production bootstrap wires it (schema
    by the migrations); by default its clock follows the commands' business dates
    (`SteppingClock.reach`), so a story told in business dates is recorded in order."""
    clock = clock or SteppingClock()
    ledger = bootstrap(Settings(database_url=database_url, **settings), clock=clock)  # type: ignore[arg-type]
    if follow_business_dates:
        following_business_dates(ledger.service, clock)
    return ledger, clock


def make_service(
    database_url: str = "sqlite:///:memory:",
    clock: SteppingClock | None = None,
    follow_business_dates: bool = True,
    **settings: object,
) -> tuple[LedgerService, SteppingClock]:
    """`make_ledger`'s service, for tests that need nothing else."""
    ledger, clock = make_ledger(database_url, clock, follow_business_dates, **settings)
    return ledger.service, clock


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
    record = service.app.events_record
    with service.app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(
            record.originator_id == account_id_for(number), record.originator_version == version
        ).one()
        state = json.loads(bytes(row.state))
        state["amount"]["_data_"] = "1.00"
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state).encode(), "id": row.id})
