"""Apply one partition's batch of delivered events exactly once.

The relay publishes at least once: after a crash it re-publishes events the broker
already had, later in the same partition. Each aggregate's events keep their order
within a partition, so "already applied" is simply ``version <= last applied version``,
and a version further ahead than the next one means events are missing (a topic
truncated by retention, a relay that skipped): that must stop the worker, because a
read model built over a hole is silently wrong.

Everything happens in the caller's transaction, in this order: the partition's offset
compare-and-set (a racing worker blocks there, then fails), the per-aggregate versions,
the projections' rows. Commit makes all three true together, or none. An event a
projection cannot apply quarantines its account (`quarantine`) in that transaction too;
its version still counts as applied, since skipping it is deliberate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ledger.aggregates.envelope import LedgerEvent
from ledger.projections import kafka_tracking, quarantine
from ledger.projections.isolation import Numbers, apply_guarded
from ledger.projections.kafka_tracking import PartitionKey
from ledger.projections.projection import Positioned, Projection, Tables
from ledger.projections.quarantine import Quarantine


@dataclass(frozen=True)
class Delivered:
    """One message of a partition, decoded: the event and where it came from."""

    offset: int
    aggregate_id: str
    version: int
    position: int
    event: Any


@dataclass(frozen=True)
class BatchOutcome:
    last_offset: int
    applied: int
    duplicates: int
    quarantined: tuple[Quarantine, ...] = ()


class VersionGap(Exception):
    """An aggregate's next event is not the one after the last applied: events are missing."""


def fresh_events(
    delivered: Sequence[Delivered], applied: Mapping[str, int]
) -> tuple[list[Positioned], dict[str, int]]:
    """The events not applied yet, and each aggregate's new last version.

    Every new event advances its aggregate's version; only ledger events are handed to
    the projections (other aggregates in the log have nothing to show there).
    """
    last = dict(applied)
    events: list[Positioned] = []
    for item in delivered:
        seen = last.get(item.aggregate_id, 0)
        if item.version <= seen:
            continue
        if item.version != seen + 1:
            raise VersionGap(
                f"aggregate {item.aggregate_id}: got version {item.version} at offset "
                f"{item.offset} after version {seen}; versions {seen + 1}..{item.version - 1} "
                "never arrived"
            )
        last[item.aggregate_id] = item.version
        if isinstance(item.event, LedgerEvent):
            events.append(Positioned(item.position, item.event))
    return events, {a: v for a, v in last.items() if applied.get(a) != v}


def apply_batch(
    session: Any,
    projections: Sequence[Projection],
    tables: Mapping[str, Tables],
    key: PartitionKey,
    expected_offset: int,
    delivered: Sequence[Delivered],
    worker: str,
) -> BatchOutcome:
    """Apply what is new in ``delivered`` (one partition, offset order) after ``expected_offset``.

    Raises `kafka_tracking.OffsetConflict` if another worker moved the partition since
    ``expected_offset`` was read, and `VersionGap` if events are missing; the caller's
    transaction must then roll back.
    """
    batch = [item for item in delivered if item.offset > expected_offset]
    if not batch:
        return BatchOutcome(expected_offset, 0, 0)
    last_offset = batch[-1].offset
    kafka_tracking.advance(session, key, expected_offset, last_offset, worker)
    applied = kafka_tracking.applied_versions(
        session, key.projections, {item.aggregate_id for item in batch}
    )
    events, versions = fresh_events(batch, applied)
    book = quarantine.load(session, [p.name for p in projections])
    number_of = numbers_in_tables(tables)
    for projection in projections:
        apply_guarded(session, projection, tables[projection.name], events, book, number_of)
    quarantine.save(session, book)
    kafka_tracking.record_versions(session, key.projections, applied, versions)
    new = sum(versions[a] - applied.get(a, 0) for a in versions)
    return BatchOutcome(last_offset, new, len(batch) - new, tuple(book.found))


def numbers_in_tables(tables: Mapping[str, Tables]) -> Numbers:
    """Account numbers from the open-items accounts, when this worker keeps them: a
    read-model database has no event store to ask."""
    accounts = tables["open_items"]["accounts"] if "open_items" in tables else None

    def number_of(session: Any, account_id: str) -> str | None:
        if accounts is None:
            return None
        found = session.execute(
            select(accounts.c.number).where(accounts.c.account_id == account_id)
        ).scalar()
        return None if found is None else str(found)

    return number_of
