"""BAI2 cash management balance reports, read with the Ministry of Justice's ``bai2``.

The library reads the records (with continuation records joined) and checks the control
totals and record counts of every account, group and file; it gives amounts as integer
minor units, which become Decimals here with the currency's minor units (never a float).
It does not say which line it could not read, so the file's record starts are counted
here and the record the library was on when it stopped is named.

One Statement per account per group (``sender/creation date/file id/group/account``).
A BAI2 detail carries no dates of its own: both dates are the group's as-of date, or the
value date of a value-dated (``V``) funds type. Return and reversal type codes (for
example 555 Deposited Item Returned, 252 Debit Reversal) mark ``is_return``; their
reason is the type code and its name, and the customer reference names the item undone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bai2 import exceptions as bai2_errors
from bai2.constants import FundsType, RecordCode, TypeCodeLevel, TypeCodeTransaction
from bai2.helpers import IteratorHelper
from bai2.parsers import Bai2FileParser

from ledger.cash.identity import compact
from ledger.cash.statements.model import (
    Statement,
    StatementLine,
    StatementParseError,
    checked_amount,
    checked_currency,
    one_line,
)
from ledger.currencies import minor_units

RETURN_TYPE_CODES = frozenset({
    "123", "252", "255", "257", "258", "266", "268", "395",  # credits: a debit undone
    "423", "552", "555", "557", "558", "566", "568", "694",  # debits: a credit undone
})
_RECORD_CODES = {code.value for code in RecordCode}
# The library's integrity messages name the section's model class ("... for Account.").
_TRAILERS = {"Account": RecordCode.account_trailer, "Group": RecordCode.group_trailer,
             "Bai2File": RecordCode.file_trailer}


class _CountingHelper(IteratorHelper):  # type: ignore[misc]
    """The library's record iterator, counting records so an error can name its line.

    A record (88 continuations joined to it) is read, then checked: a parsing error is
    about the current record. Totals and counts are checked once the section's trailer
    is read and the reader has moved on, so an integrity error is about the last
    trailer of its section (49 account, 98 group, 99 file) read.
    """

    def __init__(self, lines: Any) -> None:
        self.records_read = 0
        self.last_of: dict[RecordCode, int] = {}
        super().__init__(lines)

    def advance(self) -> None:
        super().advance()
        self.records_read += 1
        self.last_of[self.current_record.code] = self.records_read - 1

    def record_in_error(self, exc: Exception) -> int:
        if isinstance(exc, bai2_errors.IntegrityException):
            for section, trailer in _TRAILERS.items():
                if f"for {section}" in str(exc) and trailer in self.last_of:
                    return self.last_of[trailer]
        return self.records_read - 1


def parse(data: bytes) -> list[Statement]:
    lines, record_lines = _records(data)
    _check_nesting(_starts(lines), record_lines)
    helper: _CountingHelper | None = None
    try:
        helper = _CountingHelper(iter(lines))
        parsed = Bai2FileParser(helper, check_integrity=True).parse()
    except (bai2_errors.ParsingException, bai2_errors.IntegrityException,
            bai2_errors.NotSupportedYetException, ValueError, IndexError, StopIteration) as exc:
        at = helper.record_in_error(exc) if helper is not None else 0
        line = record_lines[min(max(at, 0), len(record_lines) - 1)] if record_lines else 1
        raise StatementParseError(f"BAI2 {exc or type(exc).__name__}", line) from None
    starts = list(zip(record_lines, _starts(lines), strict=True))
    at_line = {code: iter([n for n, c in starts if c == code]) for code in ("03", "16")}
    header = parsed.header
    file_key = f"{header.sender_id}/{_day(header.creation_date)}/{header.file_id}"
    statements = []
    for group_no, group in enumerate(parsed.children, start=1):
        for account in group.children:
            statements.append(_account(account, group, f"{file_key}/{group_no}", at_line))
    return statements


def _records(data: bytes) -> tuple[list[str], list[int]]:
    """Non-empty lines as the library wants them, and the file line each record starts on."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise StatementParseError("BAI2 files are ASCII",
                                  data.count(b"\n", 0, exc.start) + 1) from None
    lines: list[str] = []
    record_lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[:2] not in _RECORD_CODES or line[2:3] != ",":
            raise StatementParseError(f"record code {line[:3]!r} is not a BAI2 record", number)
        lines.append(line)
        if line[:2] != "88":
            record_lines.append(number)
    return lines, record_lines


_NEXT = {"01": ("02", "99"), "02": ("03", "98"), "03": ("16", "49"), "16": ("16", "49"),
         "49": ("03", "98"), "98": ("02", "99"), "99": ()}
"""Which record may follow which: a file (01..99) of groups (02..98) of accounts (03..49)
with their details (16; 88 continuations are joined before this is read)."""


def _check_nesting(codes: list[str], record_lines: list[int]) -> None:
    """The records nest as BAI2 says before the library reads them: it would loop forever
    on a file cut short (no trailers), and a clear error names the record out of place."""
    if not codes or codes[0] != "01":
        raise StatementParseError("a BAI2 file starts with its 01 header",
                                  record_lines[0] if record_lines else 1)
    for before, (code, line) in zip(codes, zip(codes[1:], record_lines[1:], strict=True),
                                    strict=False):
        if code not in _NEXT[before]:
            expected = " or ".join(_NEXT[before]) or "nothing"
            raise StatementParseError(
                f"record {code} cannot follow record {before} (expected {expected})", line)
    if codes[-1] != "99":
        raise StatementParseError("the file ends without its 99 trailer", record_lines[-1])


def _starts(lines: list[str]) -> list[str]:
    return [line[:2] for line in lines if line[:2] != "88"]


def _account(account: Any, group: Any, group_key: str, at_line: dict[str, Any]) -> Statement:
    ident = account.header
    currency = ident.currency or group.header.currency
    number = compact(ident.customer_account_number or "")
    checked_currency(currency, next(at_line["03"]))
    lines: list[StatementLine] = []
    for detail in account.children:
        line = next(at_line["16"])
        lines.append(_line(detail, len(lines) + 1, line, currency, group.header.as_of_date))
    return Statement("bai2", f"{group_key}/{number}", number, currency, tuple(lines))


def _line(detail: Any, sequence: int, line: int, currency: str, as_of: date) -> StatementLine:
    code = detail.type_code
    if code.level is not TypeCodeLevel.detail or code.transaction not in (
            TypeCodeTransaction.credit, TypeCodeTransaction.debit):
        raise StatementParseError(
            f"type code {code.code} ({code.description}) is not a credit or debit detail", line)
    if detail.amount is None:
        raise StatementParseError(f"type code {code.code} detail has no amount", line)
    minor = Decimal(detail.amount).scaleb(-minor_units(checked_currency(currency, line)))
    is_return = code.code in RETURN_TYPE_CODES
    customer = (detail.customer_reference or "").strip()
    value_on = as_of
    if detail.funds_type is FundsType.value_dated and detail.availability:
        value_on = detail.availability.get("date") or as_of
    return StatementLine(
        sequence=sequence, booked_on=as_of, value_on=value_on,
        amount=checked_amount(minor, currency, line), currency=currency,
        direction=code.transaction.value, is_return=is_return,
        return_reason=f"{code.code} {code.description}" if is_return else "",
        returned_reference=customer if is_return else "",
        bank_reference=(detail.bank_reference or "").strip(),
        remittance=one_line((detail.text or "").rstrip("/")), source_line=line)


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""
