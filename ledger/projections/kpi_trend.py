"""KPIs month by month, with the months closed as known now kept between reads.

A dashboard draws the last twelve months on every visit, and a month that ended before
today changes only when an event recorded late reaches back into it (a back-dated
payment, a write-off dated last quarter). So a closed month's reports, read without
``known_at``, are kept in memory (`ClosedMonths`) under the read models' *progress*: the
log position each projection they come from has applied and, when Kafka workers feed
them, each partition's applied offset (`progress`). Both advance in the transaction that
writes the rows, and the progress is read before the figures in the read's own
transaction, so a kept month is never older than its key; any event applied moves the
progress, and every month kept under the old one is left behind. Coarse (an event of
today also retires last year's months) but exact, which matters more: a late-recorded
event that changes a closed month is never hidden. A read with ``known_at`` is computed
every time, as issue 12 asks; the months not kept are computed together, in one pass of
each table (`kpis.kpi_periods`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select

from ledger.known_at import known_at_utc
from ledger.projections.exclusions import Exclusions
from ledger.projections.kafka_tracking import kafka_offsets
from ledger.projections.kpis import KpiReport, Period, kpi_periods
from ledger.projections.read_models import COLLECTIONS, ReadModels
from ledger.projections.tracking import projection_tracking

MAX_MONTHS = 36


@dataclass(frozen=True)
class KpiFilters:
    """What `kpis.kpis` narrows by, besides ``known_at``."""

    agent: str | None = None
    segment: str | None = None
    account: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class KpiMonth:
    start: date
    end: date
    currencies: list[KpiReport]


def months_until(to: date, count: int) -> list[Period]:
    """``count`` calendar months, oldest first, the last one from its first day to ``to``
    (a month to date unless ``to`` is a month end)."""
    if not 1 <= count <= MAX_MONTHS:
        raise ValueError(f"a trend has 1 to {MAX_MONTHS} months, not {count}")
    periods, end = [], to
    for _ in range(count):
        first = end.replace(day=1)
        periods.append((first, end))
        end = first - timedelta(days=1)
    return periods[::-1]


def progress(session: Any) -> Hashable:
    """How far the read models KPIs come from have got: the projections' log positions and
    the Kafka workers' offsets, as this transaction sees them."""
    positions = session.execute(
        select(projection_tracking.c.projection, projection_tracking.c.position)
        .where(projection_tracking.c.projection.in_(COLLECTIONS))
    ).all()
    offsets = session.execute(
        select(kafka_offsets.c.projections, kafka_offsets.c.topic, kafka_offsets.c.partition,
               kafka_offsets.c.last_offset)
    ).all()
    return tuple(sorted(map(tuple, positions))), tuple(sorted(map(tuple, offsets)))


class ClosedMonths:
    """The reports of closed months, by (progress, accounts left out, filters, period); the
    least recently read go first once ``capacity`` are kept. Safe across threads."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._kept: OrderedDict[Hashable, tuple[KpiReport, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> list[KpiReport] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        return None if found is None else list(found)

    def put(self, key: Hashable, reports: Sequence[KpiReport]) -> None:
        with self._lock:
            self._kept[key] = tuple(reports)
            self._kept.move_to_end(key)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


class KpiReads:
    """KPIs of periods and trends over one `ReadModels`, keeping its closed months."""

    def __init__(self, models: ReadModels, kept: ClosedMonths | None = None) -> None:
        self.models = models
        self.kept = kept or ClosedMonths()

    def periods(
        self, periods: Sequence[Period], filters: KpiFilters = KpiFilters(),
        known_at: datetime | None = None, excluding: Exclusions | None = None,
    ) -> list[list[KpiReport]]:
        """Each period's reports per currency, as `kpis.kpis` gives them."""
        known_at = known_at_utc(known_at)
        excluding = excluding or self.models.excluded(*COLLECTIONS)
        open_items, activity = self.models.narrowed(excluding, *COLLECTIONS)
        today = self.models.clock().date()

        def read(session: Any) -> list[list[KpiReport]]:
            keys: list[Hashable | None] = [None] * len(periods)
            if known_at is None:
                at, left_out = progress(session), tuple(sorted(excluding.ids))
                keys = [(at, left_out, filters, period) if period[1] < today else None
                        for period in periods]
            found: list[list[KpiReport] | None] = [
                None if key is None else self.kept.get(key) for key in keys]
            missing = [n for n, reports in enumerate(found) if reports is None]
            computed = kpi_periods(session, open_items, activity,
                                   [periods[n] for n in missing], known_at=known_at,
                                   **vars(filters))
            for n, reports in zip(missing, computed, strict=True):
                found[n] = reports
                if (key := keys[n]) is not None:
                    self.kept.put(key, reports)
            return [reports or [] for reports in found]

        return self.models.read(read)

    def trend(
        self, months: int, to: date, filters: KpiFilters = KpiFilters(),
        known_at: datetime | None = None, excluding: Exclusions | None = None,
    ) -> list[KpiMonth]:
        """``months`` calendar months up to ``to`` (`months_until`), each with its reports."""
        periods = months_until(to, months)
        reports = self.periods(periods, filters, known_at, excluding)
        return [KpiMonth(start, end, found)
                for (start, end), found in zip(periods, reports, strict=True)]


_READS: WeakKeyDictionary[ReadModels, KpiReads] = WeakKeyDictionary()
_READS_LOCK = threading.Lock()


def kpi_reads(models: ReadModels) -> KpiReads:
    """The `KpiReads` of these read models, made once, so that every request to a process
    shares its kept months (held beside the read models rather than in them while
    `ReadModels` is being split onto its own database)."""
    with _READS_LOCK:
        reads = _READS.get(models)
        if reads is None:
            reads = _READS[models] = KpiReads(models)
        return reads
