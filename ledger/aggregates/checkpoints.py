"""The ledger's checkpoints: one ledger-level aggregate whose events vouch for every stream head.

A checkpoint records, at a notification position, how many accounts and events
there were and a digest over every account's head (version and head digest).
The per-account heads themselves live in a side table (``ledger_checkpoint_heads``)
whose rows must hash to the digest in the event, so the event stays small enough
to publish however many accounts there are. Checkpoints are chained to each other
(``previous_digest``), so removing or editing one breaks the next. No I/O here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.digests import Digested
from ledger.canonical import GENESIS_HASH, document_digest

CHECKPOINTS_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-checkpoints")
"""The one well-known id of the checkpoint stream."""


class CheckpointRecorded(Digested, Aggregate.Event):
    position: int
    accounts: int
    events: int
    heads_digest: str
    previous_digest: str
    actor_id: str

    @property
    def sequence(self) -> int:
        """Checkpoint #1 is the stream's second event (the first creates the stream)."""
        return self.originator_version - 1

    def recomputed_digest(self) -> str:
        document = {
            "type": "CheckpointRecorded",
            "sequence": self.sequence,
            "position": self.position,
            "accounts": self.accounts,
            "events": self.events,
            "heads_digest": self.heads_digest,
            "previous_digest": self.previous_digest,
            "actor_id": self.actor_id,
            "recorded_at": self.timestamp,
        }
        return document_digest(document)

    def apply(self, aggregate: Any) -> None:
        aggregate.last_digest = self.seal()
        aggregate.last_position = self.position


class LedgerCheckpoints(Aggregate):
    def __init__(self) -> None:
        self.last_digest = GENESIS_HASH
        self.last_position = 0

    @classmethod
    def start(cls, at: datetime) -> LedgerCheckpoints:
        return cls._create(cls.Created, id=CHECKPOINTS_ID, timestamp=at)

    def record(
        self, *, at: datetime, position: int, accounts: int, events: int, heads_digest: str,
        actor_id: str,
    ) -> None:
        if position < self.last_position:
            raise ValueError(f"position {position} is before the last checkpoint's")
        self.trigger_event(
            CheckpointRecorded,
            timestamp=max(at, self.modified_on),
            position=position,
            accounts=accounts,
            events=events,
            heads_digest=heads_digest,
            previous_digest=self.last_digest,
            actor_id=actor_id,
        )
