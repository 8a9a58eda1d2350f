"""Recording a checkpoint: verify first, then vouch for the heads that were verified.

A checkpoint over a store that no longer verifies would bless the tampering, so
recording refuses unless the ledger verifies: all of it against the previous
checkpoint (on demand), or what was appended since the previous checkpoint,
continuing from its heads (periodically). The event and its heads are written in
one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import func, insert, select

from ledger.aggregates.checkpoints import CHECKPOINTS_ID, LedgerCheckpoints
from ledger.application import LedgerApplication
from ledger.audit.checkpoint_store import (
    Checkpoint,
    heads_table,
    latest_checkpoint,
)
from ledger.audit.report import VerificationReport
from ledger.audit.verification import verify_ledger, verify_since


class CheckpointRefused(Exception):
    """The ledger does not verify, so no checkpoint may vouch for it."""

    def __init__(self, report: VerificationReport) -> None:
        super().__init__(f"no checkpoint recorded: the ledger does not verify\n{report.summary()}")
        self.report = report


def record_checkpoint(
    app: LedgerApplication, actor_id: str, clock: Callable[[], datetime], *, full: bool = True
) -> Checkpoint:
    """With ``full`` False, only the events since the previous checkpoint are verified
    (continuing from its heads), so the cost follows the new events; the first
    checkpoint, or one after a broken checkpoint stream, always verifies everything."""
    previous, broken = latest_checkpoint(app)
    if full or previous is None or broken:
        report = verify_ledger(app)
    else:
        report = verify_since(app, previous)
    if not report.ok:
        raise CheckpointRefused(report)
    now = clock()
    try:
        checkpoints: LedgerCheckpoints = app.repository.get(CHECKPOINTS_ID)
    except AggregateNotFoundError:
        checkpoints = LedgerCheckpoints.start(now)
    checkpoints.record(
        at=now, position=report.position, accounts=report.accounts, events=report.events,
        heads_digest=report.head_digest, actor_id=actor_id,
    )
    sequence = checkpoints.version - 1
    rows = [
        {"sequence": sequence, "account_id": number, "version": report.versions[number],
         "digest": digest}
        for number, digest in report.heads.items()
    ]
    with app.datastore.transaction(commit=True) as session:
        app.save(checkpoints)
        if rows:
            session.execute(insert(heads_table), rows)
    checkpoint, _ = latest_checkpoint(app)
    assert checkpoint is not None and checkpoint.sequence == sequence
    return checkpoint


def checkpoint_due(app: LedgerApplication, every: int) -> bool:
    """At least ``every`` events (the checkpoints' own aside) since the last checkpoint."""
    events = app.recorder.select_events(CHECKPOINTS_ID, desc=True, limit=1)
    last = 0
    if events:
        latest = app.mapper.to_domain_event(events[0])
        last = int(getattr(latest, "position", 0))
    record: Any = app.events_record
    since = select(func.count()).where(
        record.id > last, record.originator_id != CHECKPOINTS_ID
    )
    with app.datastore.transaction(commit=False) as session:
        return int(session.execute(since).scalar_one()) >= every
