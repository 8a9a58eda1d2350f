"""A policy's versions on the record: one ledger-level hash-chained stream per policy.

The dunning policy and the worklist weights are each recorded this way
(`dunning_policies`, `worklist_policies`): each version holds the whole document and its
effective date, and is chained to the one before (``previous_digest``) like the access
grants, so `colledger verify` finds an edited or removed version. What is in force on a
day is read from the stream, never from a file, so two servers that loaded different
files still agree. A policy is a subclass naming its stream's id and its event. No I/O.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from ledger.aggregates.access_grants import Chained
from ledger.canonical import GENESIS_HASH, document_digest


class PolicyVersionRecorded(Chained, Aggregate.Event):
    """Version ``version`` of a policy, in force from ``effective_from``."""

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


class PolicyStream(Aggregate):
    STREAM_ID: ClassVar[Any]
    """The stream's one well-known id."""
    last_digest = GENESIS_HASH
    document_digest = ""
    """Until the first version: class defaults, which every subclass's instance starts
    from (the library builds a subclass's instance without a base class's __init__)."""

    @staticmethod
    def recorded_event() -> type[PolicyVersionRecorded]:
        """The policy's own event class (its type name is what the store holds). A method,
        not a class attribute: the library would take an event class on an aggregate for
        one of its own nested events."""
        raise NotImplementedError

    @classmethod
    def start(cls, at: datetime) -> Any:
        return cls._create(cls.Created, id=cls.STREAM_ID, timestamp=at)

    def record(self, *, at: datetime, document: dict[str, Any], source: str,
               actor_id: str) -> bool:
        """Record ``document`` as the next version; False, recording nothing, when it is
        the latest version already."""
        digest = document_digest(document)
        if digest == self.document_digest:
            return False
        self.trigger_event(
            self.recorded_event(), timestamp=max(at, self.modified_on),
            version=self.version, effective_from=date.fromisoformat(document["effective_from"]),
            document=document, document_digest=digest, source=source, actor_id=actor_id,
            previous_digest=self.last_digest,
        )
        return True
