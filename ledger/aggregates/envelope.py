"""The envelope every account event carries, and the hash chain through it.

Who did it, when it happened in the world (``effective_on``), when the ledger
learnt it (``timestamp``, UTC), under which command and correlation, and the
hash of the previous event of the same account. Applying an event checks its
``prev_hash`` against the aggregate's head, so a history that was edited behind
the ledger's back refuses to load instead of being silently believed. The head is
the digest stored with the event (`ledger.aggregates.digests`), never recomputed here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from ledger.aggregates.digests import DIGEST, Digested
from ledger.aggregates.errors import ChainBroken
from ledger.canonical import GENESIS_HASH, event_digest

if TYPE_CHECKING:
    from ledger.policies import Policies

NOT_PAYLOAD = frozenset(
    {"originator_id", "originator_version", "timestamp", "prev_hash", "originator_topic", DIGEST}
)
ENVELOPE = ("effective_on", "actor_id", "actor_role", "command_id", "correlation_id")
"""The fields every recorded fact carries besides its own: when, who, under which command."""


@dataclass(frozen=True)
class CommandContext:
    """What the application knows about the command being handled, and the rules it sets."""

    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    effective_on: date
    recorded_at: datetime
    policies: Policies

    def __post_init__(self) -> None:
        if self.recorded_at.tzinfo is None:
            raise ValueError("recorded_at must be timezone-aware")
        object.__setattr__(self, "recorded_at", self.recorded_at.astimezone(UTC))

    def envelope(self, effective_on: date | None = None) -> dict[str, Any]:
        """The envelope of an event this command records, dated ``effective_on`` if given."""
        stamped = {name: getattr(self, name) for name in ENVELOPE}
        return (stamped | {"effective_on": effective_on}) if effective_on else stamped


@cache
def payload_fields(event_class: type) -> tuple[str, ...]:
    """An event class's own fields, as it declares them."""
    return tuple(f.name for f in dataclasses.fields(event_class)
                 if f.name not in NOT_PAYLOAD and f.name not in ENVELOPE)


def payload_of(event_class: type, source: object, decided: dict[str, Any]) -> dict[str, Any]:
    """The event's own fields: each as decided, or else the same-named attribute of ``source``
    (the command, or the state object the event is about)."""
    names = payload_fields(event_class)
    if set(decided) - set(names):
        raise TypeError(f"{event_class.__name__} has no {sorted(set(decided) - set(names))}")
    missing = [n for n in names if n not in decided and not hasattr(source, n)]
    if missing:
        raise TypeError(f"{event_class.__name__}: {missing} neither decided nor given")
    return {name: decided[name] if name in decided else getattr(source, name) for name in names}


class LedgerEvent(Digested, Aggregate.Event):
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

    def recomputed_digest(self) -> str:
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
        result.head_hash = self.seal()
        return result
