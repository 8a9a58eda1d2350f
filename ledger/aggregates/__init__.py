"""The account aggregate and its events. No I/O here.

The names below are loaded on first use rather than at import, because
`ledger.money` needs `ledger.aggregates.errors` while the aggregate needs
`ledger.money`: importing the package eagerly made ``import ledger.money``
(before anything else) fail with a circular import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.aggregates.account import Account, account_id_for
    from ledger.aggregates.envelope import CommandContext, LedgerEvent

__all__ = ["Account", "CommandContext", "LedgerEvent", "account_id_for"]

_HOMES = {
    "Account": "ledger.aggregates.account",
    "account_id_for": "ledger.aggregates.account",
    "CommandContext": "ledger.aggregates.envelope",
    "LedgerEvent": "ledger.aggregates.envelope",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
