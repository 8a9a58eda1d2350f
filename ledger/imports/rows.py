"""Reading an import file into numbered rows, and the errors found on the way.

Row numbers are the ones a spreadsheet shows: the header is row 1 and the first
data row is row 2. A quoted cell may span several physical lines, so numbers
count CSV records, not lines; a blank record keeps its number but is skipped.
Headers are read leniently (case and surrounding whitespace, a UTF-8 byte order
mark), values strictly: a cell either reads as its column's kind or the row is
reported, column by column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import ValidationError

from ledger.imports.cells import CellError

T = TypeVar("T")
HEADER_ROW = 1


@dataclass(frozen=True, order=True)
class RowError:
    """What is wrong with a row: its spreadsheet row number, why, and the column to
    fix (None when the row as a whole is wrong, e.g. it conflicts with an earlier import)."""

    row_number: int
    message: str
    column: str | None = None


@dataclass(frozen=True)
class Columns:
    """The columns a file kind knows: those it needs and those it may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass
class Row:
    """One data row: its cells by column, and what was wrong with them."""

    number: int
    cells: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return bool(self.cells.get(column))

    def read(self, column: str, kind: Callable[[str], T]) -> T | None:
        """The cell read as ``kind``; None (and an error) when it is empty or malformed."""
        text = self.cells.get(column, "")
        if not text:
            self.reject(column, f"{column} is required")
            return None
        try:
            return kind(text)
        except CellError as error:
            self.reject(column, str(error))
            return None

    def read_optional(self, column: str, kind: Callable[[str], T]) -> T | None:
        return self.read(column, kind) if self.has(column) else None

    def reject(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.number, message, column))

    def reject_command(self, error: ValidationError) -> None:
        """The last line of defence: the command model refused values the cells let through."""
        for problem in error.errors():
            field_name = str(problem["loc"][0]) if problem["loc"] else None
            self.reject(field_name, f"{field_name or 'row'}: {problem['msg']}")


def read_rows(lines: Iterable[str], columns: Columns) -> tuple[list[Row], list[RowError]]:
    """The file's data rows, or no rows and the errors that make the whole file unreadable.

    A wrong header (missing or unknown columns) makes every row suspect: an
    unknown column is usually a known one misspelt, whose values would be
    silently dropped. Broken CSV quoting leaves no way to tell where the next
    row starts. Either way nothing of the file is imported, even when skipping
    invalid rows.
    """
    records = _numbered_records(lines)
    first = next(records, None)
    if first is None:
        return [], [RowError(HEADER_ROW, "the file is empty: a header row is expected")]
    if isinstance(first, RowError):
        return [], [first]
    names = [_column_name(cell) for cell in first[1]]
    problems = _header_errors(names, columns)
    if problems:
        return [], problems
    rows: list[Row] = []
    for record in records:
        if isinstance(record, RowError):
            return [], [record]
        number, cells = record
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        row = Row(number, dict(zip(names, values, strict=False)))
        if len(values) != len(names):
            row.reject(None, f"the row has {len(values)} cells but the header has {len(names)}")
        rows.append(row)
    return rows, []


def _numbered_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]] | RowError]:
    """CSV records with their row numbers, ending with an error if the CSV is broken."""
    reader = csv.reader(lines, strict=True)
    number = HEADER_ROW
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(number, f"the file is not valid CSV from here on: {error}")
            return
        yield number, cells
        number += 1


def _column_name(cell: str) -> str:
    return cell.replace("\ufeff", "").strip().lower()


def _header_errors(names: list[str], columns: Columns) -> list[RowError]:
    known = set(columns.required) | set(columns.optional)
    problems = [
        RowError(HEADER_ROW, f"unknown column {name!r}", name)
        if name
        else RowError(HEADER_ROW, f"column {index} has no name")
        for index, name in enumerate(names, start=1)
        if name not in known
    ]
    problems += [
        RowError(HEADER_ROW, f"column {name!r} appears more than once", name)
        for name in sorted({n for n in names if names.count(n) > 1 and n in known})
    ]
    problems += [
        RowError(HEADER_ROW, f"required column {name!r} is missing", name)
        for name in columns.required
        if name not in names
    ]
    return problems
