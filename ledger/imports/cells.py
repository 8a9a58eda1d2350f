"""Strict readers for the values of one cell.

Files come from spreadsheets and ERPs, where a value that merely *looks* right
is the dangerous kind: ``1e3``, ``1,000.50`` or ``03/04/2026`` each have more
than one reading, so each is refused rather than guessed at. Every reader takes
the cell's text (already stripped of surrounding whitespace) and either returns
the value or raises `CellError` with a message a spreadsheet user can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TypeVar

from ledger import input_limits as limits
from ledger.aggregates.errors import InvalidAmount, UnknownCurrency
from ledger.money import check_currency, positive

IDENTIFIER = re.compile(limits.IDENTIFIER_PATTERN)
WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
MAX_TEXT = limits.MAX_REFERENCE


T = TypeVar("T")


class CellError(ValueError):
    """A cell whose text is not a value of the column's kind."""


def identifier(text: str) -> str:
    return _read(limits.identifier, text)


def free_text(text: str) -> str:
    """A reference or a name: one line of at most `MAX_TEXT` characters, no controls."""
    return _read(partial(limits.single_line, limit=MAX_TEXT), text)


def _read(read: Callable[[str], T], text: str) -> T:
    try:
        return read(text)
    except limits.InputRefused as refused:
        raise CellError(str(refused)) from None


def currency(text: str) -> str:
    if not CURRENCY_CODE.fullmatch(text):
        raise CellError(f"{text!r} is not a currency code: use three capitals, e.g. EUR")
    try:
        return check_currency(text)
    except UnknownCurrency:
        raise CellError(f"{text!r} is not an ISO 4217 currency code") from None


def iso_date(text: str) -> date:
    return _read(limits.business_date, text)


def days(text: str) -> int:
    if not WHOLE_NUMBER.fullmatch(text) or int(text) > 365:
        raise CellError(f"{text!r} is not a number of days from 0 to 365")
    return int(text)


def amount(text: str, currency_code: str | None) -> Decimal:
    """A positive amount written as digits with an optional decimal point.

    Without a valid currency only the shape is checked; with one, the decimals
    must fit its minor units (never rounded) and the value is normalised to them.
    """
    if text.startswith("-"):
        raise CellError(f"{text!r} is negative: amounts are positive")
    value = _read(limits.amount, text)
    if currency_code is None:
        return value
    try:
        return positive(value, currency_code)
    except InvalidAmount as error:
        raise CellError(error.message) from None
