"""The contact policy's refusals on the record: one hash-chained compliance stream per account.

A refused contact is evidence that the rule worked, so it is kept; but it is not a
change to the account, so it is recorded beside it, never in it: the account's
version stays where a client's ``If-Match`` left it. Each account's stream has an id
derived from the account number (in a namespace of its own, so no account number can
name it) and its events are chained like the access grants (``previous_digest``), so
`colledger verify` finds an edited or removed refusal. A refusal holds what the
contact attempt would have held except the free-text note (personal data), and the
rule and the refusal's words. No I/O here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.access_grants import Chained
from ledger.canonical import GENESIS_HASH

COMPLIANCE_NAMESPACE = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "contact-compliance")


def compliance_id_for(number: str) -> UUID:
    """The id of the account's compliance stream."""
    return uuid5(COMPLIANCE_NAMESPACE, number)


class ContactRefused(Chained, Aggregate.Event):
    """``actor_id`` tried to contact ``account`` by ``channel`` at ``at``; ``rule`` forbade it."""

    effective_on: date
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    account: str
    contact_id: str
    channel: str
    purpose: str
    at: datetime
    rule: str
    reason: str
    previous_digest: str

    def apply(self, aggregate: Any) -> None:
        super().apply(aggregate)
        aggregate.command_ids.add(self.command_id)


class ContactCompliance(Aggregate):
    def __init__(self) -> None:
        self.last_digest = GENESIS_HASH
        self.command_ids: set[str] = set()

    @classmethod
    def start(cls, number: str, at: datetime) -> ContactCompliance:
        return cls._create(cls.Created, id=compliance_id_for(number), timestamp=at)

    def refuse(self, *, now: datetime, **refusal: Any) -> bool:
        """Record the refusal; False, recording nothing, when its command id already has one
        (a retried request)."""
        if refusal["command_id"] in self.command_ids:
            return False
        self.trigger_event(ContactRefused, timestamp=max(now, self.modified_on),
                           previous_digest=self.last_digest, **refusal)
        return True
