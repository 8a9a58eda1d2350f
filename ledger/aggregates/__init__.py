"""The account aggregate and its events. No I/O here."""

from ledger.aggregates.account import Account, account_id_for
from ledger.aggregates.envelope import CommandContext, LedgerEvent

__all__ = ["Account", "CommandContext", "LedgerEvent", "account_id_for"]
