"""The last day ticked per portfolio, and the claim that lets one server tick a day.

A claim is a transaction on the store that holds the portfolio's lock: on PostgreSQL a
transaction-level advisory lock (`pg_try_advisory_xact_lock`), so a second server asking
while the first ticks gets nothing and does nothing, and asks again after the first has
recorded the day, when that day is no longer due. The day is recorded in the claiming
transaction, after its commands; a server that dies between the two leaves the day
unrecorded and the next claim ticks it again, which the commands' ids make a no-op.
SQLite serves one process: a lock per process stands in for the database's, and the day
is recorded in a transaction of its own (SQLite would not let the commands write beside
an open one).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table, func, select
from sqlalchemy.engine import Connection, Engine

metadata = MetaData()
ticked_days = Table(
    "ledger_ticked_days",
    metadata,
    Column("portfolio", String(64), primary_key=True),
    Column("last_day", Date, nullable=False),
    Column("ticked_at", DateTime(timezone=True), nullable=False),
)

LOCK_CLASS = 0x7469636B  # "tick": the advisory locks' first key, the portfolio's the second


@dataclass
class Claim:
    """A portfolio held by this process until the claim ends; ``record`` a day ticked."""

    portfolio: str
    last_day: date | None
    connection: Connection | None
    engine: Engine

    def record(self, day: date, at: datetime) -> None:
        """The last day ticked is the latest ever recorded: backfilling keeps it."""
        if self.last_day is not None and day <= self.last_day:
            return
        row = {"last_day": day, "ticked_at": at}
        statement = (
            ticked_days.insert().values(portfolio=self.portfolio, **row)
            if self.last_day is None else
            ticked_days.update().where(ticked_days.c.portfolio == self.portfolio).values(row)
        )
        if self.connection is not None:
            self.connection.execute(statement)
        else:
            with self.engine.begin() as connection:
                connection.execute(statement)
        self.last_day = day


class TickedDays:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self._local = threading.Lock()

    @contextmanager
    def claimed(self, portfolio: str, wait: bool = False) -> Iterator[Claim | None]:
        """The portfolio's claim, or None while another server holds it (``wait``: until
        it ends). Commit on a normal exit; an error rolls the record back."""
        with self._local if wait else _tried(self._local) as held:
            if not held:
                yield None
                return
            if not self.postgres:
                yield Claim(portfolio, self.last_day(portfolio), None, self.engine)
                return
            with self.engine.begin() as connection:
                if not _advisory_lock(connection, portfolio, wait):
                    yield None
                    return
                yield Claim(portfolio, _last_day(connection, portfolio), connection, self.engine)

    def last_day(self, portfolio: str) -> date | None:
        with self.engine.connect() as connection:
            return _last_day(connection, portfolio)

    def last_days(self) -> dict[str, tuple[date, datetime]]:
        """Portfolio -> (last day ticked, when)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(ticked_days)).all()
        return {r.portfolio: (r.last_day, r.ticked_at) for r in rows}


def _last_day(connection: Connection, portfolio: str) -> date | None:
    day: date | None = connection.scalar(
        select(ticked_days.c.last_day).where(ticked_days.c.portfolio == portfolio))
    return day


@contextmanager
def _tried(lock: threading.Lock) -> Iterator[bool]:
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()


def _advisory_lock(connection: Connection, portfolio: str, wait: bool) -> bool:
    key = zlib.crc32(portfolio.encode()) - 2**31  # a signed 32-bit int, stable across runs
    if wait:
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS, key)))
        return True
    return bool(connection.scalar(select(func.pg_try_advisory_xact_lock(LOCK_CLASS, key))))
