"""The documented CSV statement layout, for banks and tools that export nothing better.

Header, exactly: ``date,amount,currency,counterparty,iban,remittance,reference``; UTF-8
(a byte-order mark is allowed); dates ISO (2026-12-07); amounts plain decimals with '.'
and no thousands separator, a leading '-' marking a debit. The whole file is one
statement whose id is the SHA-256 of its bytes, so the same file imported twice is the
same statement. docs/cash-application.md documents the layout for users.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

from ledger.cash.identity import compact
from ledger.cash.statements.model import (
    Statement,
    StatementLine,
    StatementParseError,
    checked_amount,
    one_line,
)

COLUMNS = ("date", "amount", "currency", "counterparty", "iban", "remittance", "reference")
HEADER = ",".join(COLUMNS)


def parse(data: bytes) -> list[Statement]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StatementParseError("the CSV is not UTF-8", line) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(cell.strip() for cell in header) != COLUMNS:
            raise StatementParseError(f"the header must be exactly {HEADER}", 1)
        lines: list[StatementLine] = []
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                lines.append(_line(row, len(lines) + 1, start))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise StatementParseError(f"the CSV is malformed: {exc}", reader.line_num) from None
    digest = hashlib.sha256(data).hexdigest()
    currency = lines[0].currency if lines else ""
    return [Statement("csv", digest, "", currency, tuple(lines))]


def _line(row: list[str], sequence: int, line: int) -> StatementLine:
    if len(row) != len(COLUMNS):
        raise StatementParseError(
            f"{len(row)} fields where the layout has {len(COLUMNS)} ({HEADER})", line)
    day, amount, currency, counterparty, iban, remittance, reference = (c.strip() for c in row)
    try:
        on = date.fromisoformat(day)
    except ValueError:
        raise StatementParseError(f"date {day!r} is not an ISO date (YYYY-MM-DD)", line) from None
    debit = amount.startswith("-")
    return StatementLine(
        sequence=sequence, booked_on=on, value_on=on,
        amount=checked_amount(amount[1:] if debit else amount, currency, line),
        currency=currency, direction="debit" if debit else "credit",
        bank_reference=reference, counterparty_name=one_line(counterparty),
        counterparty_account=compact(iban), remittance=one_line(remittance),
        source_line=line)
