"""Where Kafka projection workers have got to: per partition, and per account.

Two tables, written in the same transaction as the read-model rows:

- ``kafka_projection_offsets``: the last offset applied, per (projection set, topic,
  partition). It advances by compare-and-set, like ``projection_tracking``: two workers
  that both believe they own a partition (a rebalance in flight, a worker paused past its
  session) cannot both apply a batch; the second blocks on the row, then finds it moved.
- ``kafka_projection_versions``: the last version applied per aggregate, so an event the
  relay published twice (at-least-once) is recognised wherever it sits in the partition.

The topic's offsets are the consumer group's business; these rows are the truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

metadata = MetaData()

NOTHING_APPLIED = -1

kafka_offsets = Table(
    "kafka_projection_offsets",
    metadata,
    Column("projections", String(200), primary_key=True),
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("last_offset", BigInteger, nullable=False),
    Column("worker", String(200), nullable=False),
)

kafka_versions = Table(
    "kafka_projection_versions",
    metadata,
    Column("projections", String(200), primary_key=True),
    Column("aggregate_id", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class PartitionKey:
    """One partition of one topic, as seen by one set of projections."""

    projections: str
    topic: str
    partition: int


class OffsetConflict(Exception):
    """Another worker advanced this partition first."""


def projection_set(names: Iterable[str]) -> str:
    """The name under which a set of projections keeps its positions."""
    return ",".join(sorted(names))


def _key(key: PartitionKey) -> Any:
    return (
        (kafka_offsets.c.projections == key.projections)
        & (kafka_offsets.c.topic == key.topic)
        & (kafka_offsets.c.partition == key.partition)
    )


def claim(session: Any, key: PartitionKey, worker: str) -> int:
    """The last offset applied in this partition (``NOTHING_APPLIED`` if none yet)."""
    dialect = session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(kafka_offsets)
        .values(projections=key.projections, topic=key.topic, partition=key.partition,
                last_offset=NOTHING_APPLIED, worker=worker)
        .on_conflict_do_nothing()
    )
    return stored_offset(session, key)


def stored_offset(session: Any, key: PartitionKey) -> int:
    value = session.execute(select(kafka_offsets.c.last_offset).where(_key(key))).scalar()
    return NOTHING_APPLIED if value is None else int(value)


def offsets(session: Any, projections: str, topic: str) -> dict[int, tuple[int, str]]:
    """Every partition's (last offset applied, worker that applied it)."""
    rows = session.execute(
        select(kafka_offsets.c.partition, kafka_offsets.c.last_offset, kafka_offsets.c.worker)
        .where(kafka_offsets.c.projections == projections)
        .where(kafka_offsets.c.topic == topic)
    )
    return {int(p): (int(o), str(w)) for p, o, w in rows}


def advance(session: Any, key: PartitionKey, expected: int, new: int, worker: str) -> None:
    result = session.execute(
        update(kafka_offsets)
        .where(_key(key))
        .where(kafka_offsets.c.last_offset == expected)
        .values(last_offset=new, worker=worker)
    )
    if result.rowcount != 1:
        raise OffsetConflict(f"{key} is no longer at offset {expected}")


def applied_versions(session: Any, projections: str, aggregate_ids: set[str]) -> dict[str, int]:
    if not aggregate_ids:
        return {}
    rows = session.execute(
        select(kafka_versions.c.aggregate_id, kafka_versions.c.version)
        .where(kafka_versions.c.projections == projections)
        .where(kafka_versions.c.aggregate_id.in_(sorted(aggregate_ids)))
    )
    return {str(a): int(v) for a, v in rows}


def record_versions(
    session: Any, projections: str, before: Mapping[str, int], after: Mapping[str, int]
) -> None:
    """Store the new last versions; an aggregate seen for the first time gets a row.

    A row inserted twice (which only two owners of one partition could do, and the
    offset compare-and-set excludes) fails on the primary key rather than passing.
    """
    new = [{"projections": projections, "aggregate_id": a, "version": v}
           for a, v in after.items() if a not in before]
    moved = [{"p": projections, "a": a, "v": v} for a, v in after.items() if a in before]
    if new:
        session.execute(kafka_versions.insert(), new)
    if moved:
        session.execute(
            update(kafka_versions)
            .where(kafka_versions.c.projections == bindparam("p"))
            .where(kafka_versions.c.aggregate_id == bindparam("a"))
            .values(version=bindparam("v")),
            moved,
        )
