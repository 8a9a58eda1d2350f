"""Accounts a projection could not apply an event of: recorded, skipped, and said so.

One event no projection can apply (an amount too large for the minor-units columns, a
character the database refuses) must not halt the read side for everyone. The
projection records the account here, in the same transaction as its tracking, then
skips that event and every later event of the account, and goes on with the rest of
the log. Reads leave the account out and say so (`exclusions`); operators see it in
`colledger status`, ``/readyz`` and ``/metrics``, and lift it by rebuilding the account
once the cause is fixed (`account_rebuild`, docs/read-models.md).

Rows are per projection and account: the history may hold an account whose open items
could not be built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    select,
    update,
)

from ledger.aggregates.errors import RuleViolation
from ledger.projections.projection import Positioned

metadata = MetaData()

projection_quarantine = Table(
    "projection_quarantine",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("account_number", String(64)),
    Column("position", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("error_class", String(128), nullable=False),
    Column("error", String(500), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("skipped", BigInteger, nullable=False),
)


class AccountQuarantined(RuleViolation):
    """A read of one account that a read model it needs has quarantined."""


@dataclass(frozen=True)
class Quarantine:
    """The first event of ``account_id`` that ``projection`` could not apply, and why;
    ``skipped`` counts that event and the account's later ones left out since."""

    projection: str
    account_id: str
    account_number: str | None
    position: int
    version: int
    event_type: str
    error_class: str
    error: str
    recorded_at: datetime
    skipped: int = 1

    def log_line(self) -> str:
        """One line per failure, key=value, for log search rather than for reading."""
        fields = {
            "projection": self.projection, "account": self.account_number or "?",
            "account_id": self.account_id, "position": self.position,
            "version": self.version, "type": self.event_type,
            "error": f"{self.error_class}: {self.error}",
        }
        return "projection quarantined an account " + " ".join(
            f"{key}={_quoted(value)}" for key, value in fields.items()
        )


def _quoted(value: object) -> str:
    text = str(value)
    return text if text and not any(c in text for c in ' "=\\') else '"' + text.replace(
        "\\", "\\\\").replace('"', '\\"') + '"'


class QuarantineBook:
    """The quarantined accounts of some projections as one transaction (or one rebuild)
    sees them: what to skip, what was found now, and how many events were skipped."""

    def __init__(self, rows: Iterable[Quarantine] = ()) -> None:
        self.known: dict[tuple[str, str], Quarantine] = {
            (q.projection, q.account_id): q for q in rows
        }
        self.found: list[Quarantine] = []
        self.skipped: Counter[tuple[str, str]] = Counter()

    def accounts(self, projection: str) -> set[str]:
        return {account for name, account in self.known if name == projection}

    def without_quarantined(self, projection: str, events: Sequence[Positioned]
                            ) -> Sequence[Positioned]:
        """The events still to apply; the others are counted as skipped."""
        held = self.accounts(projection)
        if not held:
            return events
        kept = []
        for item in events:
            account = str(item.event.originator_id)
            if account in held:
                self.skipped[(projection, account)] += 1
            else:
                kept.append(item)
        return kept

    def add(self, quarantine: Quarantine) -> None:
        self.known[(quarantine.projection, quarantine.account_id)] = quarantine
        self.found.append(quarantine)

    def rows(self) -> list[Quarantine]:
        """Every quarantine with this book's skipped events added to its count."""
        return [replace(q, skipped=q.skipped + self.skipped[key])
                for key, q in sorted(self.known.items())]


def load(session: Any, projections: Iterable[str] | None = None) -> QuarantineBook:
    return QuarantineBook(stored(session, projections))


def stored(session: Any, projections: Iterable[str] | None = None) -> list[Quarantine]:
    q = projection_quarantine
    query = select(q).order_by(q.c.projection, q.c.position)
    if projections is not None:
        query = query.where(q.c.projection.in_(sorted(projections)))
    return [_utc(Quarantine(**row._mapping)) for row in session.execute(query)]


def _utc(row: Quarantine) -> Quarantine:
    """SQLite gives recorded times back without their (UTC) offset."""
    at = row.recorded_at
    return row if at.tzinfo is not None else replace(row, recorded_at=at.replace(tzinfo=UTC))


def save(session: Any, book: QuarantineBook) -> None:
    """Write what the book found, and the events it skipped, in the caller's transaction."""
    q = projection_quarantine
    if book.found:
        session.execute(q.insert(), [vars(found) for found in book.found])
    counts = [{"p": p, "a": a, "n": n} for (p, a), n in book.skipped.items()]
    if counts:
        session.execute(
            update(q).where(q.c.projection == bindparam("p"), q.c.account_id == bindparam("a"))
            .values(skipped=q.c.skipped + bindparam("n")),
            counts,
        )


def replace_all(session: Any, projections: Sequence[str], rows: Sequence[Quarantine]) -> None:
    """A rebuilt projection's quarantines replace the ones of the model it replaces."""
    q = projection_quarantine
    session.execute(delete(q).where(q.c.projection.in_(projections)))
    if rows:
        session.execute(q.insert(), [vars(row) for row in rows])


def lift(session: Any, projection: str, account_id: str) -> None:
    q = projection_quarantine
    session.execute(delete(q).where(q.c.projection == projection, q.c.account_id == account_id))
