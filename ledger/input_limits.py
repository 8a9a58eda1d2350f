"""What a command may carry: the one reading of amounts, identifiers, text and dates.

Every door into the ledger (the API, the CSV imports, the Kafka feeds) reads its
values through these functions, so a value one door accepts the others accept too,
and anything accepted is storable and projectable on every supported store
(docs/domain.md, *Input limits*). A value that merely looks right is refused rather
than guessed at: ``1e2``, ``1_000.00``, ``" 10.00 "`` and ``"١٠"`` each have a
reading, and a ledger must not pick one for the sender.

The patterns are written for both Python's ``re`` and the JSON Schema (ECMA-262)
dialect, so the OpenAPI contract can state them verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.resources import files

AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,4})?$"
"""Plain ASCII digits with an optional fraction: the per-currency places and maximum
(`ledger.currencies.maximum_amount`) are checked where the currency is known."""

RATE_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,12})?$"
"""An FX rate: ASCII digits with an optional fraction, at most 12 digits either side of
the point (24 significant digits: exact as text and as NUMERIC(24, 12)); positive."""

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_:\-]*(\.[A-Za-z0-9_:\-]+)*$"
"""Letters, digits and ``_ : - .``; starts with a letter or digit; no ``/``, no ``..``,
no trailing dot: safe in a URL path, a file name and a Kafka key."""
MAX_IDENTIFIER = 64

DATE_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
"""``yyyy-mm-dd`` with a year from 1900 to 2199: date arithmetic (due dates, buckets,
periods) on any accepted date stays far from the calendar's ends."""
MOMENT_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}T.*(Z|z|[+-][0-9]{2}:?[0-9]{2})$"
"""A timestamp with its UTC offset, years 1900 to 2199."""
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

SINGLE_LINE_PATTERN = r"^[^\u0000-\u001F\u007F-\u009F]*$"
NOTE_PATTERN = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
"""Text without control characters; a note may hold tabs and line breaks."""

TIMEZONES = tuple(sorted(files("tzdata").joinpath("zones").read_text("utf-8").split()))
"""The IANA zones of the pinned ``tzdata`` package: the same list on every machine, so
the contract can name them all."""

MAX_NAME = 200
MAX_REFERENCE = 256
MAX_NOTE = 2000

LATEST_UTC_OFFSET = timedelta(hours=14)
"""UTC+14 (Line Islands): no place on earth has a later calendar date."""
CONTACT_CLOCK_SKEW = timedelta(minutes=5)
"""How far a contact's time may lie ahead of the ledger's clock (a caller's clock)."""
INVOICE_DAYS_AHEAD = 365
"""An invoice may be issued (dated) at most a year ahead; nothing else may be ahead."""

_AMOUNT = re.compile(AMOUNT_PATTERN)
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
_RATE = re.compile(RATE_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_KNOWN_TIMEZONES = frozenset(TIMEZONES)
NOTE_WHITESPACE = frozenset("\t\n\r")


class InputRefused(ValueError):
    """A value outside the limits; the message says which limit, in words."""


def amount(text: object) -> Decimal:
    """The one money parser: a decimal *string* of ASCII digits, nothing else."""
    if isinstance(text, Decimal):
        return _finite(text)
    if not isinstance(text, str):
        kind = "a JSON number" if isinstance(text, int | float) else type(text).__name__
        raise InputRefused(
            f"an amount must be a decimal string such as \"1250.00\", not {kind}: "
            "numbers are read as binary floating point by many JSON libraries")
    if not _AMOUNT.fullmatch(text):
        raise InputRefused(
            f"{text[:40]!r} is not a plain decimal amount: ASCII digits with an optional "
            "'.' and up to 4 decimals, at most 15 digits before it; no sign, exponent, "
            "spaces, thousands separators or underscores")
    return Decimal(text)


def fx_rate(text: object) -> Decimal:
    """A positive FX rate written as `RATE_PATTERN`, never a JSON number."""
    if not isinstance(text, str) or not _RATE.fullmatch(text):
        raise InputRefused(
            f"{str(text)[:40]!r} is not a rate: a decimal string of ASCII digits with at "
            "most 12 digits before and after an optional '.', e.g. \"1.0842\"")
    value = Decimal(text)
    if value == 0:
        raise InputRefused("a rate must be positive, not zero")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise InputRefused(f"amount {value} is not a finite number")
    return value


def identifier(text: object) -> str:
    if not isinstance(text, str):
        raise InputRefused("an identifier must be a string")
    if len(text) > MAX_IDENTIFIER or not _IDENTIFIER.fullmatch(text):
        raise InputRefused(
            f"{text[:80]!r} is not an identifier: 1-{MAX_IDENTIFIER} letters, digits or "
            "_ : - . starting with a letter or digit, with no '..' and no trailing '.'")
    return text


def single_line(text: object, limit: int) -> str:
    """A name or reference: valid UTF-8, no control characters at all."""
    return _text(text, limit, allowed=frozenset())


def note(text: object, limit: int = MAX_NOTE) -> str:
    """Free text (reasons, notes): tabs and line breaks allowed, other controls not."""
    return _text(text, limit, allowed=NOTE_WHITESPACE)


def _text(text: object, limit: int, allowed: frozenset[str]) -> str:
    if not isinstance(text, str):
        raise InputRefused("text must be a string")
    if len(text) > limit:
        raise InputRefused(f"text of {len(text)} characters is longer than {limit}")
    if text.isprintable():  # no control character, no surrogate: nothing to look at
        return text
    for position, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cs":
            raise InputRefused(f"character {position + 1} is a lone surrogate: not UTF-8")
        if category == "Cc" and char not in allowed:
            raise InputRefused(
                f"character {position + 1} is the control character U+{ord(char):04X}, "
                "which text may not hold" + (" (tabs and line breaks are allowed)"
                                             if allowed else ""))
    return text


def timezone(name: object) -> str:
    """An IANA timezone name (``Europe/Berlin``) of `TIMEZONES`."""
    if not isinstance(name, str) or name not in _KNOWN_TIMEZONES:
        raise InputRefused(f"{str(name)[:80]!r} is not an IANA timezone")
    return name


def business_date(value: object) -> date:
    """A ``yyyy-mm-dd`` string (or a date, from inside the ledger) from 1900 to 2199."""
    if isinstance(value, datetime):
        raise InputRefused("a business date is a date, not a timestamp")
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and _DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise InputRefused(f"{value!r} is not a calendar date") from None
    else:
        raise InputRefused(f"{str(value)[:40]!r} is not a date in the form yyyy-mm-dd "
                           "(years 1900 to 2199)")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise InputRefused(f"{parsed} is outside the years 1900 to 2199")
    return parsed


def moment(value: datetime) -> datetime:
    """An aware timestamp whose date (in UTC) lies in the years 1900 to 2199."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputRefused("a time must carry its UTC offset, e.g. 2026-03-02T10:15:00Z")
    in_utc = value.astimezone(UTC)
    if not EARLIEST_DATE.year <= in_utc.year <= LATEST_DATE.year:
        raise InputRefused(f"{value.isoformat()} is outside the years 1900 to 2199 (in UTC)")
    return value


def latest_today(now: datetime) -> date:
    """The latest calendar date anywhere on earth at ``now`` (a UTC timestamp)."""
    return (now + LATEST_UTC_OFFSET).date()
