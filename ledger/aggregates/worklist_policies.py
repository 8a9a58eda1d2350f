"""The worklist weights' versions on the record: one ledger-level hash-chained stream.

A worklist ranks with the latest recorded version effective on its day, read from this
stream and never from the file, so two servers started with different files still rank
alike (docs/domain.md, *Worklist weights*). Each version holds the whole weights document
and its effective date, and is chained to the one before (``previous_digest``) like the
dunning policy's, so `colledger verify` finds an edited or removed version. No I/O here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.access_grants import Chained
from ledger.canonical import GENESIS_HASH, document_digest

WORKLIST_POLICY_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-worklist-policy")
"""The one well-known id of the worklist policy stream."""


class WorklistPolicyRecorded(Chained, Aggregate.Event):
    """Version ``version`` of the worklist weights, in force from ``effective_from``."""

    version: int
    effective_from: date
    document: dict[str, Any]
    document_digest: str
    source: str
    """Where it was loaded from (the file's name), for the reader of the record."""
    actor_id: str
    previous_digest: str

    def apply(self, aggregate: Any) -> None:
        super().apply(aggregate)
        aggregate.document_digest = self.document_digest


class WorklistPolicyStream(Aggregate):
    def __init__(self) -> None:
        self.last_digest = GENESIS_HASH
        self.document_digest = ""

    @classmethod
    def start(cls, at: datetime) -> WorklistPolicyStream:
        return cls._create(cls.Created, id=WORKLIST_POLICY_ID, timestamp=at)

    def record(self, *, at: datetime, document: dict[str, Any], source: str,
               actor_id: str) -> bool:
        """Record ``document`` as the next version; False, recording nothing, when it is
        the latest version already."""
        digest = document_digest(document)
        if digest == self.document_digest:
            return False
        self.trigger_event(
            WorklistPolicyRecorded, timestamp=max(at, self.modified_on),
            version=self.version, effective_from=date.fromisoformat(document["effective_from"]),
            document=document, document_digest=digest, source=source, actor_id=actor_id,
            previous_digest=self.last_digest,
        )
        return True
