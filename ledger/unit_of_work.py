"""One transaction around a command: load accounts, let the handler decide, save.

The unit of work lives inside one SQLAlchemy transaction of the event store's
datastore, so the events, the command log row and anything else written for the
command commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import text

from ledger.aggregates import Account, CommandContext, account_id_for
from ledger.aggregates.business_dates import check_not_ahead
from ledger.aggregates.errors import AccountAlreadyExists, AccountNotFound, VersionMismatch
from ledger.application import LedgerApplication
from ledger.commands.base import Actor, Command
from ledger.personal_data.vault import PersonalDataVault
from ledger.policies import Policies

C = TypeVar("C", bound=Command)


def advisory_lock(session: Any) -> Callable[[UUID], None]:
    """On PostgreSQL, writers to one account queue on a transaction-scoped advisory lock
    instead of all reading the same version and all but one failing; optimistic
    concurrency (the unique version) stays as the guarantee. SQLite serialises writers
    already."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda _: None

    def lock(account_id: UUID) -> None:
        key = int.from_bytes(account_id.bytes[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    return lock


class AccountRepository:
    def __init__(
        self, app: LedgerApplication, lock: Callable[[UUID], None] = lambda _: None
    ) -> None:
        self.app = app
        self._lock = lock
        self._locked: set[UUID] = set()
        self.seen: dict[UUID, Account] = {}
        self.touched: dict[UUID, int] = {}
        """The accounts handed out since `begin`, each with its pending events then: a
        command's events are those recorded since, found without looking at every account
        a batch of thousands of commands has loaded."""

    def begin(self) -> None:
        """A new command starts: nothing handed out to it yet."""
        self.touched = {}

    def touched_accounts(self) -> list[tuple[Account, int]]:
        """Each account handed out since `begin`, with its number of pending events then."""
        return [(self.seen[account_id], before) for account_id, before in self.touched.items()]

    def lock(self, number: str) -> None:
        """Hold the account for the rest of the transaction (once per account)."""
        account_id = account_id_for(number)
        if account_id not in self._locked:
            self._lock(account_id)
            self._locked.add(account_id)

    def get(self, number: str, expected_version: int | None = None) -> Account:
        account_id = account_id_for(number)
        account = self.seen.get(account_id)
        if account is None:
            self.lock(number)
            loaded = self.app.load_aggregate(account_id)
            if not isinstance(loaded, Account):
                raise AccountNotFound(f"account {number!r} not found")
            account = loaded
            self.seen[account_id] = account
        self.touched.setdefault(account_id, len(account.pending_events))
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
        if self.exists(account.number):
            raise AccountAlreadyExists(f"account {account.number!r} already exists")
        self.seen[account.id] = account
        self.touched[account.id] = 0


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
        self.accounts = AccountRepository(app, advisory_lock(session))
        self.personal_data = PersonalDataVault(session)
        self.command: Command | None = None
        self.recorded_at: datetime | None = None

    def context(self) -> CommandContext:
        assert self.command is not None
        now = self.recorded_at or self.clock()
        day = self.command.business_date or now.date()
        check_not_ahead(day, now, days_ahead=self.command.days_ahead,
                        what=f"the business date of {type(self.command).__name__}")
        return CommandContext(
            actor_id=self.actor.actor_id,
            actor_role=self.actor.role,
            command_id=self.command.command_id,
            correlation_id=self.command.correlation_id or self.command.command_id,
            effective_on=day,
            recorded_at=now,
            policies=self.policies,
        )

    def account(self) -> Account:
        """The account the current command addresses."""
        assert self.command is not None
        return self.accounts.get(self.command.account, self.command.expected_version)

    def pending_accounts(self) -> list[Account]:
        return [a for a in self.accounts.seen.values() if a.pending_events]

    def sealed(self, command: C, account_id: UUID, erased: bool) -> C:
        """The command with its personal fields sealed: no aggregate sees them in clear."""
        update = {
            name: self.personal_data.seal(account_id, place, getattr(command, name), erased=erased)
            for name, place in command.personal_fields().items()
        }
        return command.model_copy(update=update) if update else command


Handler = Callable[[Any, UnitOfWork], None]


def decide(
    decision: Callable[[Account, CommandContext, C], None],
) -> Callable[[C, UnitOfWork], None]:
    """The handler of a command its account decides: load the account, seal, decide."""

    def handle(command: C, uow: UnitOfWork) -> None:
        account = uow.account()
        ctx = uow.context()
        decision(account, ctx, uow.sealed(command, account.id, account.personal_data_erased))

    return handle
