"""``known_at``: the recorded instant a read looks back from, checked the same way for all.

Recorded times are instants, so a ``known_at`` without a UTC offset names none: reading
it as UTC or as the server's zone would answer for a moment the caller may not mean,
and reading it as "no filter" (as the read models once did) would answer with what is
known now while claiming otherwise. Every read refuses it with one named rule, whether
it comes from the API, the command line or a direct call.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.aggregates.errors import KnownAtWithoutOffset


def recorded_instant(moment: datetime) -> datetime:
    """In UTC, because SQLite compares recorded times as UTC wall-clock text."""
    if moment.utcoffset() is None:
        raise KnownAtWithoutOffset(
            f"known_at {moment.isoformat()} has no UTC offset, so it names no instant: "
            f"give one, e.g. {moment.isoformat()}Z"
        )
    return moment.astimezone(UTC)


def known_at_utc(known_at: datetime | None) -> datetime | None:
    """None (everything recorded so far) stays None."""
    return None if known_at is None else recorded_instant(known_at)
