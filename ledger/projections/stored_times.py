"""Times read back from a read model, in UTC.

They are stored in UTC, but SQLite hands them back without their offset; PostgreSQL gives
them with it. Every read that returns a stored time passes it through `as_utc`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
