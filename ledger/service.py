"""The ledger as its entry points (CLI, API, consumers) see it.

Writes go through the command bus; an account as of a date is read from the read models
(which apply its latest events first), its history from its events. Nothing here knows
about HTTP, Kafka or where the database is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import distinct, select

from ledger.aggregates import Account, account_id_for
from ledger.aggregates.envelope import ENVELOPE, LedgerEvent
from ledger.aggregates.errors import AccountNotFound
from ledger.application import LedgerApplication
from ledger.canonical import plain
from ledger.commands.base import Actor, Command, CommandResult
from ledger.commands.bus import BatchReport, CommandBus
from ledger.personal_data.vault import PersonalDataVault
from ledger.policies import Policies
from ledger.projections.read_models import ReadModels


class LedgerService:
    def __init__(
        self,
        app: LedgerApplication,
        policies: Policies,
        clock: Callable[[], datetime],
        read_models: ReadModels,
    ) -> None:
        self.app = app
        self.policies = policies
        self.clock = clock
        self.read_models = read_models
        self.bus = CommandBus(app, policies, clock)

    def execute(self, command: Command, actor: Actor) -> CommandResult:
        return self.bus.execute(command, actor)

    def execute_batch(
        self,
        commands: Iterable[Command],
        actor: Actor,
        *,
        skip_invalid: bool = False,
        recorded_at: Sequence[datetime] | None = None,
        actors: Sequence[Actor] | None = None,
    ) -> BatchReport:
        return self.bus.execute_batch(
            commands, actor, skip_invalid=skip_invalid, recorded_at=recorded_at, actors=actors
        )

    def account(self, number: str) -> Account:
        return self.app.get_account(account_id_for(number))

    def account_as_of(
        self, number: str, as_of: date | None = None, known_at: datetime | None = None
    ) -> dict[str, Any]:
        """The account as of ``as_of`` (default: today) as known at ``known_at``, with every
        write stored to it so far already in (`ReadModels.account`)."""
        return self.read_models.account(number, as_of or self.clock().date(), known_at)

    def current_version(self, number: str) -> int:
        """The account's stored version, without loading it; AccountNotFound if none."""
        head = self.app.stream_head(account_id_for(number))
        if head is None:
            raise AccountNotFound(f"account {number!r} not found")
        return head.version

    def vault_for(self, account_id: UUID) -> PersonalDataVault:
        """A vault holding the account's key (if it still exists), for reads."""
        with self.app.datastore.transaction(commit=False) as session:
            vault = PersonalDataVault(session)
            vault.load(account_id)
        return vault

    def contact(self, account: Account) -> dict[str, str | None] | None:
        """The account's contact details in clear; each null once erased."""
        if account.contact is None:
            return None
        vault = self.vault_for(account.id)
        return {
            name: vault.reveal(account.id, f"AccountOpened.contact.{name}", token)
            for name, token in account.contact.items()
        }

    def history(self, number: str) -> Iterator[dict[str, Any]]:
        """Every event of the account with its envelope and hash, oldest first; personal
        fields in clear while the account's key exists, null after erasure."""
        account_id = account_id_for(number)
        vault = self.vault_for(account_id)
        found = False
        for event in self.app.account_events(account_id):
            found = True
            record = event_record(event)
            record["payload"] = vault.reveal_payload(account_id, record["type"], record["payload"])
            yield record
        if not found:
            raise AccountNotFound(f"account {number!r} not found")

    def account_numbers(self) -> list[str]:
        return sorted(self.account_segments())

    def account_segments(self) -> dict[str, str]:
        """Every account's number and segment (fixed when it was opened), from the store."""
        record = self.app.events_record
        query = select(distinct(record.originator_id))
        with self.app.datastore.transaction(commit=False) as session:
            ids = [row[0] for row in session.execute(query)]
        segments = {}
        for account_id in ids:
            opened = next(iter(self.app.events.get(account_id, limit=1)))
            number = getattr(opened, "number", None)  # ledger-level aggregates have none
            if isinstance(number, str):
                segments[number] = str(getattr(opened, "segment", "standard"))
        return segments


def event_record(event: LedgerEvent) -> dict[str, Any]:
    record: dict[str, Any] = plain(
        {
            "account_id": event.originator_id,
            "version": event.originator_version,
            "type": event.event_type,
            "effective_on": event.effective_on,
            "recorded_at": event.timestamp,
            "actor_id": event.actor_id,
            "actor_role": event.actor_role,
            "command_id": event.command_id,
            "correlation_id": event.correlation_id,
            "prev_hash": event.prev_hash,
            "hash": event.digest,
            "payload": {k: v for k, v in event.payload().items() if k not in ENVELOPE},
        }
    )
    return record
