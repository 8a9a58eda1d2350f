"""Who gave whom which access: one ledger-level aggregate, an event per API key issued or revoked.

An API key decides who the ledger records as having done something, so handing
one out is itself on the record: the key's id, the actor id it speaks for and
its role (never the key or its hash), and, in the envelope every event carries,
who granted it (actor and role), when, under which command and correlation.
Grants are chained to each other (``previous_digest``) the way checkpoints are,
so removing or editing one breaks the next.

The rule they enforce: an actor id is bound for ever to the role of its first
key. Otherwise an admin could mint a manager key for ``manager-1`` (or an agent
key for an auditor) and act as, and be recorded as, someone else in a role they
never had. No I/O here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.digests import DIGEST, Digested
from ledger.aggregates.errors import RuleViolation
from ledger.canonical import GENESIS_HASH, document_digest

ACCESS_GRANTS_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-access-grants")
"""The one well-known id of the access-grant stream."""


class ActorBoundToRole(RuleViolation):
    """A key for an actor id must have the role that actor id was first given."""


class Chained(Digested):
    """What both grant events share: the digest that chains them, and keeping the chain's end.

    A mixin rather than a base event, so no event type exists that is never stored."""

    def recomputed_digest(self) -> str:
        document = {
            k: v for k, v in vars(self).items()
            if k not in ("originator_id", "originator_version", "timestamp", "originator_topic",
                         DIGEST)
        }
        document["type"] = type(self).__name__
        document["version"] = vars(self)["originator_version"]
        document["recorded_at"] = vars(self)["timestamp"]
        return document_digest(document)

    def apply(self, aggregate: Any) -> None:
        aggregate.last_digest = self.seal()


class ApiKeyIssued(Chained, Aggregate.Event):
    """``actor_id``/``actor_role`` granted key ``key_id`` speaking for ``holder_id`` as
    ``holder_role``."""

    effective_on: date
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    key_id: str
    holder_id: str
    holder_role: str
    previous_digest: str

    def apply(self, aggregate: Any) -> None:
        super().apply(aggregate)
        aggregate.roles[self.holder_id] = self.holder_role


class ApiKeyRevoked(Chained, Aggregate.Event):
    """``actor_id``/``actor_role`` revoked key ``key_id`` of ``holder_id``."""

    effective_on: date
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    key_id: str
    holder_id: str
    holder_role: str
    previous_digest: str


class AccessGrants(Aggregate):
    def __init__(self) -> None:
        self.last_digest = GENESIS_HASH
        self.roles: dict[str, str] = {}

    @classmethod
    def start(cls, at: datetime) -> AccessGrants:
        return cls._create(cls.Created, id=ACCESS_GRANTS_ID, timestamp=at)

    def issue(
        self, *, at: datetime, key_id: str, holder_id: str, holder_role: str,
        by: tuple[str, str], command_id: str, correlation_id: str,
    ) -> None:
        bound = self.roles.get(holder_id)
        if bound is not None and bound != holder_role:
            raise ActorBoundToRole(
                f"{holder_id} is a {bound}: an actor id keeps the role of its first key, so "
                f"a {holder_role} key needs an actor id of its own")
        self._record(ApiKeyIssued, at, key_id, holder_id, holder_role, by, command_id,
                     correlation_id)

    def revoke(
        self, *, at: datetime, key_id: str, holder_id: str, holder_role: str,
        by: tuple[str, str], command_id: str, correlation_id: str,
    ) -> None:
        self._record(ApiKeyRevoked, at, key_id, holder_id, holder_role, by, command_id,
                     correlation_id)

    def _record(
        self, event: type[Aggregate.Event], at: datetime, key_id: str, holder_id: str,
        holder_role: str, by: tuple[str, str], command_id: str, correlation_id: str,
    ) -> None:
        """``by`` is who grants or revokes: (actor id, role)."""
        moment = max(at, self.modified_on)
        self.trigger_event(
            event, timestamp=moment, effective_on=moment.date(), actor_id=by[0],
            actor_role=by[1], command_id=command_id, correlation_id=correlation_id,
            key_id=key_id, holder_id=holder_id, holder_role=holder_role,
            previous_digest=self.last_digest,
        )
