"""How far read models fed by Kafka workers have got, in the event store's terms.

Kafka workers keep no log position: partitions advance independently, so "every event up
to position N is applied" has no meaning there. What they do keep, in the same transaction
as the rows, is each aggregate's last applied version (`kafka_tracking`). So with Kafka
feeding the read database, read-your-writes is per account: the event at a write's
position belongs to one aggregate, and the read waits until that aggregate's version is
applied (its earlier events share its partition and came first). Other accounts' writes
may still be on their way. The lag, for ``/readyz`` and status, is the number of events
stored but not applied yet: versions count events, one per version.

The API reading such a database never applies anything itself (`projection_mode`): it
only waits for the workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from ledger.application import LedgerApplication
from ledger.projections.kafka_tracking import kafka_versions, projection_set
from ledger.projections.read_database import ReadStore
from ledger.projections.registry import all_projections


class KafkaFed:
    """The read database's progress as the workers of the default projection set (all
    projections, what `colledger project --from-kafka` runs) record it."""

    def __init__(self, app: LedgerApplication, store: ReadStore) -> None:
        self.app = app
        self.store = store
        self.projections = projection_set(p.name for p in all_projections())

    def applied_version(self, aggregate_id: UUID | str) -> int:
        t = kafka_versions
        with self.store.transaction(commit=False) as session:
            found = session.execute(
                select(t.c.version).where(t.c.projections == self.projections)
                .where(t.c.aggregate_id == str(aggregate_id))
            ).scalar()
        return int(found or 0)

    def wait_for(self, position: int, timeout: float, interval: float = 0.02) -> bool:
        """Wait until the aggregate whose event is at ``position`` has it applied."""
        stored = self._event_at(position)
        if stored is None:  # a gap in the ids: nothing was written there
            return True
        aggregate_id, version = stored
        return self.wait_until(lambda: self.applied_version(aggregate_id) >= version,
                               timeout, interval)

    def wait_for_version(self, aggregate_id: UUID, version: int, timeout: float) -> bool:
        return self.wait_until(lambda: self.applied_version(aggregate_id) >= version, timeout)

    @staticmethod
    def wait_until(reached: Callable[[], bool], timeout: float, interval: float = 0.02
                   ) -> bool:
        deadline = time.monotonic() + timeout
        while not reached():
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)
        return True

    def behind(self) -> int:
        """Events stored in the primary and not yet applied in the read database."""
        record = self.app.events_record
        with self.app.datastore.transaction(commit=False) as session:
            stored = int(session.execute(select(func.count()).select_from(record)).scalar() or 0)
        with self.store.transaction(commit=False) as session:
            applied = session.execute(
                select(func.coalesce(func.sum(kafka_versions.c.version), 0))
                .where(kafka_versions.c.projections == self.projections)
            ).scalar()
        return max(stored - int(applied or 0), 0)

    def _event_at(self, position: int) -> tuple[Any, int] | None:
        record = self.app.events_record
        with self.app.datastore.transaction(commit=False) as session:
            row = session.execute(
                select(record.originator_id, record.originator_version)
                .where(record.id == position)
            ).first()
        return None if row is None else (row[0], int(row[1]))
