"""Who hands a notice to the mail server: one claim per notice, in the store's database
(``ledger_notice_claims``, store branch, `store_0005`).

Before a notice goes to SMTP its deliverer inserts the row keyed by account and notice
id, if absent, in a transaction of its own; the insert that finds the row there gets
nothing. The row is never deleted, so a notice is handed over at most once, by whichever
server or process inserted it, and says who and when.

A claim whose holder died before recording the outcome (after sending, or before: nobody
can tell which) is not sent again: once its lease has passed, a later delivery takes it
over (`take_over`, a compare-and-set on ``claimed_at``, so one process does) and records
the notice failed with `INTERRUPTED`, which raises the notice-failed task for a person to
check rather than risk a second e-mail (docs/domain.md, *Notices*).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from ledger.projections.stored_times import as_utc

INTERRUPTED = "delivery interrupted"
LEASE = timedelta(minutes=15)
"""How long a claim is its holder's: far beyond the SMTP timeout (10 s) and a notice's
rendering, so a holder still alive has recorded its outcome long before."""

metadata = MetaData()
notice_claims = Table(
    "ledger_notice_claims",
    metadata,
    Column("account", String(64), primary_key=True),
    Column("notice_id", String(64), primary_key=True),
    Column("claimed_by", String(128), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)


def this_process() -> str:
    """Host and process id: which of several servers holds a claim."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


@dataclass(frozen=True)
class Holder:
    claimed_by: str
    claimed_at: datetime


class NoticeClaims:
    def __init__(self, engine: Engine, who: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 lease: timedelta = LEASE) -> None:
        self.engine, self.who, self.clock, self.lease = engine, who or this_process(), clock, lease

    def claim(self, account: str, notice_id: str) -> bool:
        """True: this process holds the notice now and alone may hand it to SMTP."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = (dialect.insert(notice_claims)
                     .values(account=account, notice_id=notice_id, claimed_by=self.who,
                             claimed_at=self.clock())
                     .on_conflict_do_nothing(index_elements=["account", "notice_id"]))
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def holder(self, account: str, notice_id: str) -> Holder | None:
        found = self._row(account, notice_id)
        return None if found is None else Holder(found[0], as_utc(found[1]))

    def _row(self, account: str, notice_id: str) -> tuple[str, datetime] | None:
        """The claim as stored (SQLite's times naive: compare them as they are)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(notice_claims.c.claimed_by, notice_claims.c.claimed_at)
                .where(notice_claims.c.account == account,
                       notice_claims.c.notice_id == notice_id)).first()
        return None if row is None else (str(row.claimed_by), row.claimed_at)

    def take_over(self, account: str, notice_id: str) -> bool:
        """True: the claim's lease had passed and this process now holds it (to record the
        notice interrupted, never to send it). Of two processes asking, one gets it."""
        found = self._row(account, notice_id)
        now = self.clock()
        if found is None or now - as_utc(found[1]) < self.lease:
            return False
        claimed_by, claimed_at = found
        with self.engine.begin() as connection:
            taken = connection.execute(
                update(notice_claims)
                .where(notice_claims.c.account == account,
                       notice_claims.c.notice_id == notice_id,
                       notice_claims.c.claimed_by == claimed_by,
                       notice_claims.c.claimed_at == claimed_at)
                .values(claimed_by=self.who, claimed_at=now))
        return taken.rowcount == 1

