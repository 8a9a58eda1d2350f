"""Who exported which regulatory trail: one ledger-level aggregate, an event per export.

Looking at the history is itself part of the history: each export records who
(actor and role, under a command and correlation like every account event),
what (the query, the position exported up to, the rows) and the SHA-256 of the
manifest and of every file, so a trail shown later can be matched with the
export that produced it. Exports are chained to each other (``previous_digest``)
the way checkpoints are, so removing or editing one breaks the next. No I/O here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.digests import DIGEST, Digested
from ledger.canonical import GENESIS_HASH, document_digest

TRAIL_EXPORTS_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-trail-exports")
"""The one well-known id of the trail-export stream."""


class TrailExported(Digested, Aggregate.Event):
    effective_on: date
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    query: dict[str, str]
    position: int
    rows: int
    manifest_sha256: str
    files: dict[str, str]
    """File name -> SHA-256 of every file but the manifest."""
    verified: bool
    override: bool
    previous_digest: str

    def recomputed_digest(self) -> str:
        document = {
            k: v for k, v in vars(self).items()
            if k not in ("originator_id", "originator_version", "timestamp", "originator_topic",
                         DIGEST)
        }
        document["version"] = self.originator_version
        document["recorded_at"] = self.timestamp
        return document_digest(document)

    def apply(self, aggregate: Any) -> None:
        aggregate.last_digest = self.seal()
        aggregate.exports += 1


class TrailExports(Aggregate):
    def __init__(self) -> None:
        self.last_digest = GENESIS_HASH
        self.exports = 0

    @classmethod
    def start(cls, at: datetime) -> TrailExports:
        return cls._create(cls.Created, id=TRAIL_EXPORTS_ID, timestamp=at)

    def record(
        self, *, at: datetime, actor_id: str, actor_role: str, command_id: str,
        correlation_id: str, query: dict[str, str], position: int, rows: int,
        manifest_sha256: str, files: dict[str, str], verified: bool, override: bool,
    ) -> None:
        self.trigger_event(
            TrailExported,
            timestamp=max(at, self.modified_on),
            effective_on=at.date(),
            actor_id=actor_id,
            actor_role=actor_role,
            command_id=command_id,
            correlation_id=correlation_id,
            query=dict(query),
            position=position,
            rows=rows,
            manifest_sha256=manifest_sha256,
            files=dict(files),
            verified=verified,
            override=override,
            previous_digest=self.last_digest,
        )
