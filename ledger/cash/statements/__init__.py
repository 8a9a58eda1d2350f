"""Bank statements read into one shape: BAI2, camt.053, camt.054, MT940 and CSV.

``parse_statement(data)`` is pure (bytes in, values out): the receipts import decides what
to store. A file that cannot be read raises ``StatementParseError`` naming the line, and
nothing of it is returned. See README.md beside this module for the parsers chosen, and
docs/cash-application.md for the CSV layout and which field of each format lands where.
"""

from __future__ import annotations

from collections.abc import Callable

import ledger.cash.statements.bai2 as bai2_reader
import ledger.cash.statements.camt as camt_reader
import ledger.cash.statements.csv_layout as csv_reader
import ledger.cash.statements.mt940 as mt940_reader
from ledger.cash.statements.detection import detect_format
from ledger.cash.statements.model import (
    FORMATS,
    Format,
    Statement,
    StatementLine,
    StatementParseError,
)

__all__ = ["FORMATS", "Statement", "StatementLine", "StatementParseError", "detect_format",
           "parse_statement"]

_READERS: dict[str, Callable[[bytes], list[Statement]]] = {
    "bai2": bai2_reader.parse,
    "camt053": lambda data: camt_reader.parse(data, "camt053"),
    "camt054": lambda data: camt_reader.parse(data, "camt054"),
    "mt940": mt940_reader.parse,
    "csv": csv_reader.parse,
}


def parse_statement(data: bytes, format: str = "auto") -> list[Statement]:
    """Every statement (account) in the file, or StatementParseError naming the line."""
    chosen: Format | str = detect_format(data) if format == "auto" else format
    reader = _READERS.get(chosen)
    if reader is None:
        raise StatementParseError(
            f"format {format!r} is not one of auto, {', '.join(FORMATS)}")
    return reader(data)
