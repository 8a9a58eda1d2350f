"""The envelope every account event carries, and the hash chain through it.

Who did it, when it happened in the world (``effective_on``), when the ledger
learnt it (``timestamp``, UTC), under which command and correlation, and the
hash of the previous event of the same account. Applying an event checks its
``prev_hash`` against the aggregate's head, so a history that was edited behind
the ledger's back refuses to load instead of being silently believed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.aggregates.errors import ChainBroken
from ledger.canonical import GENESIS_HASH, event_digest

NOT_PAYLOAD = frozenset(
    {"originator_id", "originator_version", "timestamp", "prev_hash", "originator_topic"}
)


@dataclass(frozen=True)
class CommandContext:
    """What the application knows about the command being handled."""

    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    effective_on: date
    recorded_at: datetime

    def __post_init__(self) -> None:
        if self.recorded_at.tzinfo is None:
            raise ValueError("recorded_at must be timezone-aware")
        object.__setattr__(self, "recorded_at", self.recorded_at.astimezone(UTC))


class LedgerEvent(Aggregate.Event):
    effective_on: date
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    prev_hash: str

    @property
    def event_type(self) -> str:
        return type(self).__name__

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k not in NOT_PAYLOAD}

    def digest(self) -> str:
        return event_digest(
            stream_id=self.originator_id,
            version=self.originator_version,
            event_type=self.event_type,
            payload=self.payload(),
            recorded_at=self.timestamp,
            prev_hash=self.prev_hash,
        )

    def mutate(self, aggregate: Any) -> Any:
        expected = GENESIS_HASH if aggregate is None else aggregate.head_hash
        if self.prev_hash != expected:
            raise ChainBroken(
                f"{self.event_type} v{self.originator_version} of {self.originator_id}: "
                "prev_hash does not match the previous event"
            )
        result: Any = super().mutate(aggregate)
        result.head_hash = self.digest()
        return result
