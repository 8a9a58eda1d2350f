"""A database's read models are kept by the log runner or by Kafka workers, never both.

Both would apply every event to the same tables, each under its own tracking, so the
rows would count everything twice. The rule is physical, so it can be checked: Kafka
workers write into a database of their own, one whose event store is empty and whose
log tracking (``projection_tracking``) has never moved. In such a database the log
runner has nothing to follow, so reads through the usual entry points
(``colledger --database-url <read-model db> aging``) are safe and apply nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, inspect, select, table

from ledger.application import LedgerApplication
from ledger.projections import tracking

EVENTS_TABLE = f"{LedgerApplication.name}_events"

FED_BY = ("store", "kafka")
"""Who keeps a read database: the log runner following the event store, or Kafka workers."""


class ModeConflict(RuntimeError):
    """Kafka workers were pointed at read models that the log runner keeps."""


def check_kafka_mode(connection: Any, projections: Sequence[str]) -> None:
    """Raise `ModeConflict` unless this database can take Kafka-built read models."""
    names = set(inspect(connection).get_table_names())
    if EVENTS_TABLE in names:
        stored = connection.execute(select(func.count()).select_from(table(EVENTS_TABLE)))
        if stored.scalar():
            raise ModeConflict(
                f"this database holds an event store ({EVENTS_TABLE} is not empty): its read "
                "models follow its own log; give Kafka workers a database of their own"
            )
    if tracking.projection_tracking.name in names:
        t = tracking.projection_tracking
        moved = connection.execute(
            select(t.c.projection).where(t.c.projection.in_(projections)).where(t.c.position > 0)
        ).scalars().all()
        if moved:
            raise ModeConflict(
                f"projections {sorted(moved)} are kept by the log runner here "
                "(projection_tracking has moved); give Kafka workers a database of their own"
            )
