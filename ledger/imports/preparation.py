"""Fitting a plan to the ledger as it stands, just before it is carried out.

A plan is made from the file alone; one of its decisions needs the ledger: an
account the file would open is opened only if it does not exist yet. Everything
else is the domain's to decide inside the command, where it sees the ledger as the
command finds it (earlier rows of the same batch included): a payment naming an
invoice asks the account to fit its allocation (``RecordPayment.fit_allocations``),
and a payment recorded before is a repeat the command log recognises, since its row
gives the same command every time.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledger.aggregates import account_id_for
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.imports.plan import PlannedRow
from ledger.service import LedgerService


def prepare(service: LedgerService, rows: Iterable[PlannedRow]) -> list[PlannedRow]:
    """The rows without the openings of accounts that exist already."""
    exists: dict[str, bool] = {}

    def needed(command: Command) -> bool:
        if not isinstance(command, OpenAccount):
            return True
        if command.account not in exists:
            exists[command.account] = (
                service.app.stream_head(account_id_for(command.account)) is not None)
        return not exists[command.account]

    return [PlannedRow(row.row_number, tuple(c for c in row.commands if needed(c)))
            for row in rows]
