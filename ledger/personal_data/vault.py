"""The port between commands or reads and the per-account keys.

Handlers seal personal fields before the aggregate sees them, so events,
snapshots and every read model copied from them hold ciphertext only; reads
reveal them again while the account's key exists. A key made for a command is
kept pending and written by `save`, in the transaction that stores the events,
and only for accounts that did get events: a refused command leaves no key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.aggregates.errors import AccountStandingConflict
from ledger.personal_data import cipher, key_table


class PersonalDataVault:
    def __init__(self, session: Any) -> None:
        self.session = session
        self._keys: dict[UUID, bytes | None] = {}
        self._pending: dict[UUID, bytes] = {}
        self._destroyed: set[UUID] = set()

    def _key(self, account_id: UUID) -> bytes | None:
        if account_id not in self._keys:
            self._keys[account_id] = key_table.find(self.session, account_id)
        return self._keys[account_id]

    def load(self, account_id: UUID) -> bool:
        """Fetch the account's key now (while the session is open); False when there is none."""
        return self._key(account_id) is not None

    def seal(self, account_id: UUID, field: str, value: Any, *, erased: bool = False) -> Any:
        """``value`` as a token (an empty value stays empty and needs no key); each value
        of a mapping sealed under ``field.<name>``, the names staying readable.

        Once an account's personal data is erased it takes no new personal data:
        erasure is meant to be the end of it, not a new key for the next note.
        """
        if not value:
            return value
        if isinstance(value, dict):
            return {name: self.seal(account_id, f"{field}.{name}", v, erased=erased)
                    for name, v in value.items()}
        if erased:
            raise AccountStandingConflict(
                "personal data of this account is erased; it accepts no new personal data"
            )
        key = self._key(account_id)
        if key is None:
            key = self._pending[account_id] = cipher.new_key()
            self._keys[account_id] = key
        return cipher.seal(key, account_id, field, value)

    def destroy(self, account_id: UUID) -> None:
        """Forget the account's key when the transaction is saved (crypto-shredding)."""
        self._destroyed.add(account_id)
        self._pending.pop(account_id, None)
        self._keys[account_id] = None

    def save(self, saved: Iterable[UUID], at: datetime) -> None:
        """Write new keys of accounts whose events are being saved; delete destroyed ones."""
        saved_ids = set(saved)
        key_table.insert(
            self.session, {a: k for a, k in self._pending.items() if a in saved_ids}, at
        )
        key_table.destroy(self.session, self._destroyed & saved_ids)
        self._pending.clear()
        self._destroyed.clear()

    def reveal(self, account_id: UUID, field: str, value: Any) -> Any:
        """The plaintext of a token; None when its key is gone or it does not belong here.
        Anything that is not a token is returned as it is."""
        if not cipher.is_token(value):
            return value
        key = self._key(account_id)
        return None if key is None else cipher.unseal(key, account_id, field, value)

    def reveal_payload(self, account_id: UUID, event_type: str, payload: Any) -> Any:
        """A copy of an event payload with every token at ``<type>.<path>`` revealed."""
        return self._walk(account_id, event_type, payload)

    def _walk(self, account_id: UUID, path: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._walk(account_id, f"{path}.{k}", v) for k, v in value.items()}
        return self.reveal(account_id, path, value)
