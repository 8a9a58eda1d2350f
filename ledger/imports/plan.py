"""What an import file asks the ledger to do: commands per row, and what is wrong.

A plan is made from the file alone, without looking at the ledger, so that it
can be checked, shown and tested on its own; `run_import` then carries it out.
Command ids come from the row's identity (account and invoice id, account and
bank reference), not from the file's name: the next day's open-items export
repeats yesterday's open invoices, and they must be recognised as the same.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ledger.commands.base import Command
from ledger.imports.rows import HEADER_ROW, RowError

MAX_COMMAND_ID = 128


@dataclass(frozen=True)
class PlannedRow:
    row_number: int
    commands: tuple[Command, ...]


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[PlannedRow, ...]
    errors: tuple[RowError, ...]

    @property
    def rows_total(self) -> int:
        """Data rows read from the file, valid or not (none if the header was wrong)."""
        invalid = {e.row_number for e in self.errors if e.row_number > HEADER_ROW}
        return len({r.row_number for r in self.rows} | invalid)


def make_plan(rows: list[PlannedRow], errors: list[RowError]) -> ImportPlan:
    return ImportPlan(
        rows=tuple(sorted(rows, key=lambda r: r.row_number)),
        errors=tuple(sorted(errors, key=lambda e: (e.row_number, e.column or ""))),
    )


def import_command_id(kind: str, *identity: str) -> str:
    """``import:{kind}:{part}:...:{last}``, or a digest of the parts when that is ambiguous.

    Only the last part may contain a colon for the readable form to be read back
    unambiguously; ids too long for the command log are digested as well.
    """
    readable = ":".join(("import", kind, *identity))
    if len(readable) <= MAX_COMMAND_ID and not any(":" in part for part in identity[:-1]):
        return readable
    digest = hashlib.sha256(json.dumps(list(identity)).encode()).hexdigest()
    return f"import:{kind}#sha256:{digest}"


def correlation_id(source: str) -> str:
    """Every event of one import run shares this, so the audit trail says which file."""
    return f"import:{source}"
