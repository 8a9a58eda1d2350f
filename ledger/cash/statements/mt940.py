"""SWIFT MT940 customer statements, read with wolph's ``mt-940`` library.

The library reads tags into dicts and gives amounts as ``Decimal`` (never a float). It
merges every message of a file into one collection, so the file is cut here at each
``:20:`` (a message starts there) and each message is one Statement; that cut also
gives each ``:61:`` its line in the file. The German/SEPA structured ``:86:``
(``?20``..``?63`` with ``EREF+``, ``SVWZ+``) is read by the library's processor; for
other banks the end-to-end id is looked for as ``EREF+`` or ``/EREF/`` in the text.

Marks: C credit, D debit, RC a reversed credit (money leaves again: a debit that is a
return), RD a reversed debit (money comes back: a credit that is a return). A reversal's
reason is the bank's supplementary details or :86: posting text, else the mark.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import mt940 as mt940_library
from mt940.processors import transaction_details_post_processor

from ledger.cash.identity import compact
from ledger.cash.statements.model import (
    Statement,
    StatementLine,
    StatementParseError,
    checked_amount,
    checked_currency,
    one_line,
)

_MESSAGE_START = re.compile(r"^:20:", re.MULTILINE)
_END_TO_END = re.compile(r"(?:EREF\+|/EREF/)\s*([^/\s?]+)")
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_LINE_REFERENCE = "line_customer_reference"
_MARKS: dict[str, tuple[Literal["credit", "debit"], bool]] = {
    "C": ("credit", False), "D": ("debit", False),
    "RC": ("debit", True), "RD": ("credit", True)}


def parse(data: bytes) -> list[Statement]:
    text = _decode(data)
    starts = [m.start() for m in _MESSAGE_START.finditer(text)]
    if not starts:
        raise StatementParseError("no MT940 message (tag :20:) in the file", 1)
    statements = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        first_line = text.count("\n", 0, start) + 1
        statements.append(_message(text[start:end], first_line))
    return statements


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Many banks still write MT940 in ISO 8859-1; every byte is a character there.
        return data.decode("latin-1")


def _message(text: str, first_line: int) -> Statement:
    collection = mt940_library.models.Transactions(
        processors={"post_statement": [_keep_line_reference],
                    "post_transaction_details": [transaction_details_post_processor]},
        options=mt940_library.Options(applicant_iban=True))
    try:
        collection.parse(text)
    except (RuntimeError, ValueError, ArithmeticError, KeyError) as exc:
        raise StatementParseError(_library_message(exc), _line_of(exc, text, first_line)) from None
    header = collection.data
    reference = str(header.get("transaction_reference") or "").strip()
    number = "/".join(str(header[k]) for k in ("statement_number", "sequence_number")
                      if header.get(k))
    currency = str(collection.currency or "")
    if currency:
        checked_currency(currency, first_line)
    entry_lines = [first_line + i for i, line in enumerate(text.split("\n"))
                   if line.startswith(":61:")]
    transactions = [t for t in collection if t.data.get("amount") is not None]
    if len(transactions) != len(entry_lines):
        raise StatementParseError(
            f"{len(entry_lines)} :61: lines but {len(transactions)} transactions read",
            first_line)
    lines = tuple(_line(t.data, i + 1, entry_lines[i], currency)
                  for i, t in enumerate(transactions))
    account = compact(str(header.get("account_identification") or ""))
    return Statement("mt940", f"{reference}/{number}" if number else reference, account,
                     currency, lines)


def _line(data: dict[str, Any], sequence: int, line: int, default_currency: str) -> StatementLine:
    mark = str(data.get("status") or "").upper()
    if mark not in _MARKS:
        raise StatementParseError(f"debit/credit mark {mark!r} is not C, D, RC or RD", line)
    direction, is_return = _MARKS[mark]
    currency = str(data.get("currency") or default_currency)
    value = data["amount"].amount
    amount = checked_amount(value.copy_abs() if isinstance(value, Decimal) else str(value),
                            currency, line)
    value_on: date = data["date"]
    booked_on: date = data.get("entry_date") or value_on
    details = str(data.get("transaction_details") or "")
    purpose = str(data.get("purpose") or "")
    remittance = one_line(purpose or details)
    end_to_end = str(data.get("end_to_end_reference") or "")
    if not end_to_end:
        found = _END_TO_END.search(details.replace("\n", ""))
        end_to_end = found.group(1) if found else ""
    customer = str(data.get("customer_reference") or data.get(_LINE_REFERENCE) or "").strip()
    if end_to_end in _NO_REFERENCE:
        end_to_end = ""
    bank = str(data.get("bank_reference") or "").strip()
    return StatementLine(
        sequence=sequence, booked_on=_plain(booked_on), value_on=_plain(value_on),
        amount=amount, currency=currency, direction=direction,
        is_return=is_return,
        return_reason=_return_reason(data, mark) if is_return else "",
        returned_reference=_returned_reference(end_to_end, customer) if is_return else "",
        bank_reference=bank if bank not in _NO_REFERENCE else "",
        end_to_end_id="" if is_return else end_to_end,
        counterparty_name=one_line(str(data.get("applicant_name") or "")),
        counterparty_account=compact(str(data.get("applicant_iban")
                                            or data.get("gvc_applicant_iban") or "")),
        remittance=remittance, source_line=line)


def _keep_line_reference(transactions: Any, tag: Any, tag_dict: dict[str, Any],
                         result: dict[str, Any]) -> dict[str, Any]:
    """Keep the :61: customer reference: the library's structured :86: reading sets
    ``customer_reference`` from ``KREF+`` and so blanks it when the :86: has none."""
    result[_LINE_REFERENCE] = result.get("customer_reference")
    return result


def _returned_reference(end_to_end: str, customer: str) -> str:
    """What a reversal undoes: the original end-to-end id (a SEPA return repeats it in
    ``EREF+``), else the customer reference of the :61: line."""
    if end_to_end:
        return end_to_end
    return customer if customer not in _NO_REFERENCE else ""


def _return_reason(data: dict[str, Any], mark: str) -> str:
    """The bank's words for a reversal: the :61: supplementary details, else the :86:
    posting text (``?00``, e.g. SEPA-UEBERW/STORNO), else the mark itself."""
    for key in ("extra_details", "posting_text"):
        text = one_line(str(data.get(key) or ""))
        if text:
            return text
    return f"{mark} reversal"


def _plain(day: date) -> date:
    """The library's Date subclass as a plain date, so lines compare and pickle plainly."""
    return date(day.year, day.month, day.day)


def _library_message(exc: Exception) -> str:
    tag = exc.args[1] if len(exc.args) > 1 else None
    name = getattr(tag, "id", "")
    what = f"tag :{name}: " if name else ""
    return f"{what}cannot be read ({exc.args[0] if exc.args else type(exc).__name__})"


def _line_of(exc: Exception, text: str, first_line: int) -> int:
    """The line of the tag value the library could not read, when it says which."""
    value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else ""
    head = value.split("\n", 1)[0]
    at = text.find(head) if head else -1
    return first_line + (text.count("\n", 0, at) if at >= 0 else 0)
