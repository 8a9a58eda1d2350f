"""The eventsourcing Application that stores accounts.

Persistence is chosen by environment (``PERSISTENCE_MODULE=eventsourcing_sqlalchemy``
and ``SQLALCHEMY_URL``), so the same code runs on a SQLite file, SQLite in
memory for unit tests, and PostgreSQL in production. The application name is
fixed, so table names (``ledger_events``, ``ledger_snapshots``) never follow a
class rename. The library internals it relies on are in `ledger.store_adapter`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import JSONTranscoder

from ledger.aggregates import Account
from ledger.aggregates.envelope import LedgerEvent
from ledger.aggregates.errors import AccountNotFound
from ledger.store_adapter import StoreAdapter
from ledger.transcodings import register_ledger_transcodings

SNAPSHOT_INTERVAL = 100


class LedgerApplication(StoreAdapter):
    name = "ledger"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Account: SNAPSHOT_INTERVAL}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    def get_account(self, account_id: UUID) -> Account:
        try:
            account: Account = self.repository.get(account_id)
        except AggregateNotFoundError:
            raise AccountNotFound(f"account {account_id} not found") from None
        return account

    def account_events(self, account_id: UUID) -> Iterator[LedgerEvent]:
        yield from self.events.get(account_id)  # type: ignore[misc]

    def account_known_at(self, account_id: UUID, known_at: datetime | None) -> Account:
        """The account as the ledger knew it at ``known_at`` (all of it when None)."""
        account: Account | None = None
        for event in self.account_events(account_id):
            if known_at is not None and event.timestamp > known_at:
                break
            account = event.mutate(account)
        if account is None:
            raise AccountNotFound(f"account {account_id} not found (as known at {known_at})")
        return account
