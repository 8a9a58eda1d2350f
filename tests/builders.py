"""Builders shared by test tiers: a ledger on a given store with a controllable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.commands.base import Actor
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
