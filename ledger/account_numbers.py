"""The human account number of an account event, for publishing.

Only ``AccountOpened`` carries the number; every later event names its account
by the UUID derived from it, which cannot be inverted. Whoever publishes events
(the relay) asks this lookup, which reads an account's first event once and
remembers the answer, so the envelope's ``account_number`` is filled on every
account event, also after a restart in the middle of the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent

from ledger.application import LedgerApplication
from ledger.event_messages import number_in, opened_number


class AccountNumbers:
    def __init__(self, app: LedgerApplication, capacity: int = 100_000) -> None:
        self.app = app
        self.capacity = capacity
        self.known: dict[UUID, str | None] = {}

    def __call__(self, event: DomainEvent) -> str | None:
        """The number of the account ``event`` belongs to; None for other aggregates."""
        return self.number(event.originator_id, vars(event))

    def number(self, aggregate_id: UUID, state: Mapping[str, Any]) -> str | None:
        """The same, from an event's id and state (as the event holds it, or as stored)."""
        if aggregate_id not in self.known:
            number = number_in(state)
            if number is None and "originator_topic" not in state:
                number = self._read(aggregate_id)
            if len(self.known) >= self.capacity:
                self.known.clear()
            self.known[aggregate_id] = number
        return self.known[aggregate_id]

    def _read(self, aggregate_id: UUID) -> str | None:
        first = next(iter(self.app.events.get(aggregate_id, limit=1)), None)
        return None if first is None else opened_number(first)
