"""Every command type and its handler."""

from __future__ import annotations

from ledger.commands import accounts, collections, receivables
from ledger.commands.base import Command
from ledger.unit_of_work import Handler

HANDLERS: dict[type[Command], Handler] = {
    **accounts.HANDLERS,
    **receivables.HANDLERS,
    **collections.HANDLERS,
}

COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in HANDLERS}
