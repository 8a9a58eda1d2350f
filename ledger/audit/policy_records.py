"""Recording the dunning policy's versions, and reading them back for runs and reviews.

`record_policy` appends the document as a new version when it differs from the latest
one (two servers loading the same file at once: the second save fails on the stream's
version, is retried, and finds nothing to record). `StoredDunning` is what runs read:
the recorded versions, re-read whenever the stream has grown, so a version another
server recorded is the one in force here too. `policy_history` walks the chain by the
rules of every ledger-level chain, for `colledger verify`.
"""

from __future__ import annotations

from datetime import datetime
from threading import Lock

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates.dunning_policies import (
    DUNNING_POLICY_ID,
    DunningPolicyRecorded,
    DunningPolicyStream,
)
from ledger.aggregates.dunning_policy import (
    BUILT_IN,
    DunningDocument,
    DunningVersion,
)
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import Break
from ledger.canonical import document_digest

POLICY_STREAM = "dunning-policy"
"""The name breaks of the policy stream are reported under."""
ATTEMPTS = 3


def record_policy(
    app: LedgerApplication, document: DunningDocument, source: str, at: datetime,
    actor_id: str = "system",
) -> int | None:
    """Record ``document`` unless it is the version in the record already (or, with none
    recorded, the built-in one); the new version's number, else None."""
    recorded = document.as_recorded()
    for attempt in range(ATTEMPTS):
        try:
            stream = _stream(app, at)
            if stream.version == 1 and document == BUILT_IN.document:
                return None
            if not stream.record(at=at, document=recorded, source=source, actor_id=actor_id):
                return None
            app.save(stream)
            return stream.version - 1
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _stream(app: LedgerApplication, now: datetime) -> DunningPolicyStream:
    try:
        stream: DunningPolicyStream = app.repository.get(DUNNING_POLICY_ID)
    except AggregateNotFoundError:
        stream = DunningPolicyStream.start(now)
    return stream


def version_of(event: DunningPolicyRecorded) -> DunningVersion:
    return DunningVersion(event.version, DunningDocument.model_validate(event.document),
                          event.timestamp)


def policy_history(app: LedgerApplication) -> tuple[list[DunningPolicyRecorded], Break | None]:
    """Every recorded version in order, up to the first break of the chain."""
    return walk_chain(app, DUNNING_POLICY_ID, POLICY_STREAM, (DunningPolicyRecorded,),
                      lambda version: f"dunning policy v{version - 1}")


class StoredDunning:
    """The recorded versions (`DunningPolicies`), re-read when the stream has grown."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        self._lock = Lock()
        self._known: list[DunningVersion] = []
        self._head = 0

    def versions(self) -> list[DunningVersion]:
        head = self.app.recorder.select_events(DUNNING_POLICY_ID, desc=True, limit=1)
        version = head[0].originator_version if head else 0
        with self._lock:
            if version != self._head:
                events = [self.app.mapper.to_domain_event(stored) for stored in
                          self.app.recorder.select_events(DUNNING_POLICY_ID, gt=self._head)]
                self._known += [version_of(e) for e in events
                                if isinstance(e, DunningPolicyRecorded)]
                self._head = version
            return list(self._known)


def digest_of(document: DunningDocument) -> str:
    return document_digest(document.as_recorded())
