"""Carrying out an import plan: all or nothing, or row by row when skipping invalid rows.

Without ``skip_invalid`` the whole file is one atomic `execute_batch`, so a row
that only breaks a domain rule (a duplicate invoice, a payment in the wrong
currency) stops the file as surely as a malformed cell does. With it, rows go
in batches of ``batch_size``, each batch still atomic: when some rows fail, the
batch is tried again without them, so a row is written whole or not at all and
later rows are decided on the ledger as it will really be. Command ids are
derived from the rows, so running a file again is answered from the command
log: those rows count as already imported, changed ones as conflicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ledger.aggregates.errors import (
    AccountAlreadyExists,
    AccountNotFound,
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    CurrencyMismatch,
    DuplicateId,
    IdempotencyConflict,
    InvalidAmount,
    InvalidDates,
    InvoiceNotFound,
    LedgerError,
    NothingToPay,
    OverAllocation,
)
from ledger.commands.base import Actor, Command
from ledger.commands.bus import BatchReport
from ledger.commands.receivables import IssueInvoice
from ledger.imports.plan import ImportPlan, PlannedRow
from ledger.imports.preparation import prepare
from ledger.imports.rows import RowError
from ledger.service import LedgerService

COLUMN_OF_ERROR: dict[type[LedgerError], str] = {
    AccountNotFound: "account",
    AccountAlreadyExists: "account",
    InvoiceNotFound: "invoice_id",
    CurrencyMismatch: "currency",
    InvalidDates: "due_date",
    InvalidAmount: "amount",
    AmountExceedsOutstanding: "amount",
    AmountExceedsUndisputed: "amount",
    OverAllocation: "amount",
    NothingToPay: "invoice_id",
}
CHANGED_ROW = (
    "this row was imported before with different content ({}): record the change as a "
    "correction (credit or debit note, payment reversal) rather than by importing it again"
)


@dataclass(frozen=True)
class ImportReport:
    """Rows read, newly written, found already imported; errors by row; whether anything
    was written (False when every row was already imported)."""

    rows_total: int
    rows_written: int
    rows_already_imported: int
    errors: tuple[RowError, ...]
    written: bool


@dataclass
class Tally:
    written: int = 0
    replayed: int = 0
    errors: list[RowError] = field(default_factory=list)
    anything_written: bool = False


def run_import(
    service: LedgerService,
    plan: ImportPlan,
    actor: Actor,
    *,
    skip_invalid: bool,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
) -> ImportReport:
    """Carry out ``plan`` as ``actor``; ``progress`` hears the rows done after each batch.

    ``batch_size`` applies when skipping invalid rows; otherwise the file is one
    batch, because all-or-nothing cannot span transactions.
    """
    tally = Tally(errors=list(plan.errors))
    if plan.errors and not skip_invalid:
        return _report(plan, tally)
    step = max(batch_size, 1) if skip_invalid else max(len(plan.rows), 1)
    for start in range(0, len(plan.rows), step):
        batch = plan.rows[start : start + step]
        _run_batch(service, batch, actor, tally, skip_invalid=skip_invalid)
        if progress is not None:
            progress(start + len(batch))
    return _report(plan, tally)


def _run_batch(
    service: LedgerService,
    batch: Sequence[PlannedRow],
    actor: Actor,
    tally: Tally,
    *,
    skip_invalid: bool,
) -> None:
    pending = list(batch)
    while pending:
        rows = prepare(service, pending)
        outcome = service.execute_batch([c for row in rows for c in row.commands], actor)
        tally.anything_written |= outcome.written
        failed = _count(rows, outcome, tally)
        if not outcome.errors or not skip_invalid:
            return
        pending = [row for row in pending if row.row_number not in failed]


def _count(rows: list[PlannedRow], outcome: BatchReport, tally: Tally) -> set[int]:
    """Tally the rows of one atomic batch; return the numbers of those that failed.

    When any failed nothing was written, so only their errors are kept: the
    others are decided again without them.
    """
    spans: list[range] = []
    for row in rows:
        start = spans[-1].stop if spans else 0
        spans.append(range(start, start + len(row.commands)))
    failed: set[int] = set()
    for row, span in zip(rows, spans, strict=True):
        for command, at in zip(row.commands, span, strict=True):
            if at in outcome.errors:
                failed.add(row.row_number)
                tally.errors.append(_row_error(row.row_number, outcome.errors[at], command))
    if not failed:
        for span in spans:
            if all(outcome.results[at].replayed for at in span):
                tally.replayed += 1
            else:
                tally.written += 1
    return failed


def _row_error(row_number: int, error: LedgerError, command: Command) -> RowError:
    if isinstance(error, IdempotencyConflict):
        return RowError(row_number, CHANGED_ROW.format(error.rule()))
    if isinstance(error, DuplicateId):
        column = "invoice_id" if isinstance(command, IssueInvoice) else None
        return RowError(row_number, error.message, column)
    column = next((c for kind, c in COLUMN_OF_ERROR.items() if isinstance(error, kind)), None)
    return RowError(row_number, error.message, column)


def _report(plan: ImportPlan, tally: Tally) -> ImportReport:
    return ImportReport(
        rows_total=plan.rows_total,
        rows_written=tally.written,
        rows_already_imported=tally.replayed,
        errors=tuple(sorted(tally.errors, key=lambda e: (e.row_number, e.column or ""))),
        written=tally.anything_written,
    )
