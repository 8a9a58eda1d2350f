"""Recording the worklist weights' versions, and reading them back for rankings and reviews.

As for the dunning policy (`policy_records`): `record_worklist_policy` appends the document
as a new version when it differs from the latest one (two servers loading the same file at
once: the second save fails on the stream's version, is retried, and finds nothing to
record); `StoredWorklistPolicy` is what rankings read, re-read whenever the stream has
grown, so a version another server recorded is the one in force here too;
`worklist_policy_history` walks the chain for `colledger verify`.
"""

from __future__ import annotations

from datetime import datetime
from threading import Lock

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates.worklist_policies import (
    WORKLIST_POLICY_ID,
    WorklistPolicyRecorded,
    WorklistPolicyStream,
)
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import Break
from ledger.projections.worklist_policy import BUILT_IN, WorklistDocument, WorklistVersion

WORKLIST_POLICY_STREAM = "worklist-policy"
"""The name breaks of the worklist policy stream are reported under."""
ATTEMPTS = 3


def record_worklist_policy(
    app: LedgerApplication, document: WorklistDocument, source: str, at: datetime,
    actor_id: str = "system",
) -> int | None:
    """Record ``document`` unless it is the version on record already (or, with none
    recorded, the built-in one); the new version's number, else None."""
    for attempt in range(ATTEMPTS):
        try:
            stream = _stream(app, at)
            if stream.version == 1 and document == BUILT_IN.document:
                return None
            if not stream.record(at=at, document=document.as_recorded(), source=source,
                                 actor_id=actor_id):
                return None
            app.save(stream)
            return stream.version - 1
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _stream(app: LedgerApplication, now: datetime) -> WorklistPolicyStream:
    try:
        stream: WorklistPolicyStream = app.repository.get(WORKLIST_POLICY_ID)
    except AggregateNotFoundError:
        stream = WorklistPolicyStream.start(now)
    return stream


def version_of(event: WorklistPolicyRecorded) -> WorklistVersion:
    return WorklistVersion(event.version, WorklistDocument.model_validate(event.document),
                           event.timestamp)


def worklist_policy_history(
    app: LedgerApplication,
) -> tuple[list[WorklistPolicyRecorded], Break | None]:
    """Every recorded version in order, up to the first break of the chain."""
    return walk_chain(app, WORKLIST_POLICY_ID, WORKLIST_POLICY_STREAM, (WorklistPolicyRecorded,),
                      lambda version: f"worklist policy v{version - 1}")


class StoredWorklistPolicy:
    """The recorded versions (`WorklistPolicies`), re-read when the stream has grown."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        self._lock = Lock()
        self._known: list[WorklistVersion] = []
        self._head = 0

    def versions(self) -> list[WorklistVersion]:
        head = self.app.recorder.select_events(WORKLIST_POLICY_ID, desc=True, limit=1)
        version = head[0].originator_version if head else 0
        with self._lock:
            if version != self._head:
                events = [self.app.mapper.to_domain_event(stored) for stored in
                          self.app.recorder.select_events(WORKLIST_POLICY_ID, gt=self._head)]
                self._known += [version_of(e) for e in events
                                if isinstance(e, WorklistPolicyRecorded)]
                self._head = version
            return list(self._known)
