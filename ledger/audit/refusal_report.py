"""Refused contacts counted per rule and per channel over a period: the compliance report.

Why read the event store, not a read model: projections are fed account events only, and
the refusals live beside the accounts, on each account's compliance stream (`ledger.
aggregates.contact_compliance`). Why find them by stream id, not by topic: the events
table (the eventsourcing library's) has no index on ``topic``, so asking for every
``ContactRefused`` would scan every event ever stored; but a compliance stream's id is
derived from its account number (`compliance_id_for`), so the refusals of every account
are found through the table's primary key (``originator_id``, ``originator_version``),
``CHUNK`` streams per statement: one index probe per account, one decoded row per
refusal (rare next to account events). The account numbers come from the account
directory (the ``open_items`` read model). A refusal counts in the period of its
``effective_on``, the attempt's local business date, as a trail's period counts events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from ledger.aggregates.contact_compliance import ContactRefused, compliance_id_for
from ledger.application import LedgerApplication

CHUNK = 500


@dataclass(frozen=True)
class RefusalCounts:
    by_rule: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def refusal_counts(
    app: LedgerApplication, numbers: Iterable[str], start: date, end: date
) -> RefusalCounts:
    """The refusals of the accounts ``numbers`` dated ``start`` to ``end`` (both included)."""
    counts = RefusalCounts()
    for refusal in refusals_of(app, numbers):
        if start <= refusal.effective_on <= end:
            counts.by_rule[refusal.rule] += 1
            counts.by_channel[refusal.channel] += 1
    return counts


def refusals_of(
    app: LedgerApplication, numbers: Iterable[str], up_to: int | None = None
) -> Iterator[ContactRefused]:
    """Every refusal kept for these accounts (stored at log position ``up_to`` or before,
    when given), stream by stream, by primary key."""
    record: Any = app.events_record
    ids = (compliance_id_for(number) for number in numbers)
    while chunk := list(islice(ids, CHUNK)):
        query = (select(record.originator_id, record.originator_version, record.topic,
                        record.state)
                 .where(record.originator_id.in_(chunk), record.originator_version > 1)
                 .order_by(record.originator_id, record.originator_version))
        if up_to is not None:
            query = query.where(record.id <= up_to)
        with app.datastore.transaction(commit=False) as session:
            rows = session.execute(query).all()
        for row in rows:
            event = app.mapper.to_domain_event(StoredEvent(
                originator_id=row.originator_id, originator_version=row.originator_version,
                topic=row.topic, state=bytes(row.state)))
            if isinstance(event, ContactRefused):
                yield event
