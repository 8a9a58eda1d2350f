"""One transaction around a command: load accounts, let the handler decide, save.

The unit of work lives inside one SQLAlchemy transaction of the event store's
datastore, so the events, the command log row and anything else written for the
command commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ledger.aggregates import Account, CommandContext, account_id_for
from ledger.aggregates.errors import AccountAlreadyExists, AccountNotFound, VersionMismatch
from ledger.application import LedgerApplication
from ledger.commands.base import Actor, Command
from ledger.policies import Policies


class AccountRepository:
    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        self.seen: dict[UUID, Account] = {}

    def get(self, number: str, expected_version: int | None = None) -> Account:
        account_id = account_id_for(number)
        account = self.seen.get(account_id)
        if account is None:
            try:
                account = self.app.repository.get(account_id)
            except AggregateNotFoundError:
                raise AccountNotFound(f"account {number!r} not found") from None
            self.seen[account_id] = account
        if expected_version is not None and account.version != expected_version:
            raise VersionMismatch(
                f"account {number!r} is at version {account.version}, not {expected_version}"
            )
        return account

    def exists(self, number: str) -> bool:
        account_id = account_id_for(number)
        if account_id in self.seen:
            return True
        return bool(self.app.recorder.select_events(account_id, limit=1))

    def add(self, account: Account) -> None:
        if account.id not in self.seen and account.version == 1 and self.exists(account.number):
            raise AccountAlreadyExists(f"account {account.number!r} already exists")
        self.seen[account.id] = account


class UnitOfWork:
    def __init__(
        self,
        app: LedgerApplication,
        session: Any,
        actor: Actor,
        clock: Callable[[], datetime],
        policies: Policies,
    ) -> None:
        self.app = app
        self.session = session
        self.actor = actor
        self.clock = clock
        self.policies = policies
        self.accounts = AccountRepository(app)
        self.command: Command | None = None

    def context(self, effective_on: date | None = None) -> CommandContext:
        assert self.command is not None
        now = self.clock()
        return CommandContext(
            actor_id=self.actor.actor_id,
            actor_role=self.actor.role,
            command_id=self.command.command_id,
            correlation_id=self.command.correlation_id or self.command.command_id,
            effective_on=effective_on or self.command.effective_on or now.date(),
            recorded_at=now,
        )

    def account(self) -> Account:
        """The account the current command addresses."""
        assert self.command is not None
        return self.accounts.get(self.command.account, self.command.expected_version)

    def pending_accounts(self) -> list[Account]:
        return [a for a in self.accounts.seen.values() if a.pending_events]


Handler = Callable[[Any, UnitOfWork], None]
