"""Where each projection has got to in the notification log.

The position advances by compare-and-set in the same transaction as the read-model
rows: ``UPDATE … SET position = new WHERE name = ? AND position = expected``. If
another worker moved it first, nothing is updated, `TrackingConflict` is raised and
the whole transaction — rows included — rolls back, so an event is never applied
twice. (A plain "only if lower" condition is not enough: two workers that read the
same start but took batches of different sizes would both pass it.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, select, update

metadata = MetaData()

RELAY_PREFIX = "relay:"  # a relay's position row is named relay:<topic>

projection_tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class TrackingConflict(Exception):
    """Another worker advanced this projection first."""


def ensure(session: Any, projection: str) -> None:
    exists = session.execute(
        select(projection_tracking.c.position).where(
            projection_tracking.c.projection == projection
        )
    ).first()
    if exists is None:
        session.execute(projection_tracking.insert().values(projection=projection, position=0))


def position(session: Any, projection: str) -> int:
    value = session.execute(
        select(projection_tracking.c.position).where(
            projection_tracking.c.projection == projection
        )
    ).scalar()
    return int(value or 0)


def advance(session: Any, projection: str, expected: int, new: int) -> None:
    result = session.execute(
        update(projection_tracking)
        .where(projection_tracking.c.projection == projection)
        .where(projection_tracking.c.position == expected)
        .values(position=new)
    )
    if result.rowcount != 1:
        raise TrackingConflict(f"{projection} is no longer at position {expected}")


def reset(session: Any, projection: str, new: int) -> None:
    """Set the position unconditionally: only when swapping in a rebuilt model."""
    session.execute(
        update(projection_tracking)
        .where(projection_tracking.c.projection == projection)
        .values(position=new)
    )


def positions_named(session: Any, prefix: str) -> dict[str, int]:
    """Every tracked position whose name starts with ``prefix`` (e.g. the relays')."""
    rows = session.execute(
        select(projection_tracking.c.projection, projection_tracking.c.position).where(
            projection_tracking.c.projection.startswith(prefix, autoescape=True)
        )
    )
    return {name: int(at) for name, at in rows}
