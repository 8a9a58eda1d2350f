"""Strict readers for the values of one cell.

Files come from spreadsheets and ERPs, where a value that merely *looks* right
is the dangerous kind: ``1e3``, ``1,000.50`` or ``03/04/2026`` each have more
than one reading, so each is refused rather than guessed at. Every reader takes
the cell's text (already stripped of surrounding whitespace) and either returns
the value or raises `CellError` with a message a spreadsheet user can act on.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ledger.aggregates.errors import InvalidAmount, UnknownCurrency
from ledger.money import check_currency, positive

IDENTIFIER = re.compile(r"[A-Za-z0-9._:/\-]{1,64}")
PLAIN_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
MAX_TEXT = 2000


class CellError(ValueError):
    """A cell whose text is not a value of the column's kind."""


def identifier(text: str) -> str:
    if not IDENTIFIER.fullmatch(text):
        raise CellError(f"{text!r} is not an identifier: use 1-64 letters, digits or . _ : / -")
    return text


def free_text(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise CellError(f"text of {len(text)} characters is longer than {MAX_TEXT}")
    return text


def currency(text: str) -> str:
    if not CURRENCY_CODE.fullmatch(text):
        raise CellError(f"{text!r} is not a currency code: use three capitals, e.g. EUR")
    try:
        return check_currency(text)
    except UnknownCurrency:
        raise CellError(f"{text!r} is not an ISO 4217 currency code") from None


def iso_date(text: str) -> date:
    if not ISO_DATE.fullmatch(text):
        raise CellError(f"{text!r} is not a date in the form yyyy-mm-dd")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a calendar date") from None


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
    if not PLAIN_DECIMAL.fullmatch(text):
        raise CellError(
            f"{text!r} is not a plain decimal amount: digits with an optional '.', "
            "no thousands separators, signs or exponents"
        )
    value = Decimal(text)
    if currency_code is None:
        return value
    try:
        return positive(value, currency_code)
    except InvalidAmount as error:
        raise CellError(error.message) from None
