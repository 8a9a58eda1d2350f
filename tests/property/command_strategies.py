"""Strategies for what a command may carry, the extremes of every bound included.

Values are drawn as a client sends them (amounts and dates as strings, times with any
UTC offset) and are *not* filtered here: the command models decide what is accepted,
so a strategy that strays outside a rule costs an example, never a false alarm. Each
strategy leans on its bounds: amounts of one minor unit and of the currency's maximum,
identifiers of 1 and 64 characters, names, references and notes at their longest, in
any script (emoji, CJK, right-to-left, combining marks, format characters), dates on
1900-01-01 and 2199-12-31, timezones at UTC+14 and UTC-12.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from ledger import input_limits as limits
from ledger.currencies import MINOR_UNITS, maximum_amount, minor_units

CURRENCIES = ("JPY", "EUR", "KWD", "CLF", "IDR")
"""0, 2, 3 and 4 decimals, and a high-denomination currency (a larger maximum)."""
currencies = st.sampled_from(CURRENCIES) | st.sampled_from(sorted(MINOR_UNITS))

# ---------------------------------------------------------------------------------------
# Amounts


def spelled(units: int, currency: str, extra_zeros: int, leading_zeros: int,
            bare: bool) -> str:
    """``units`` minor units as a decimal string: with up to 4 decimals (trailing zeros
    past the currency's places), leading zeros, or no fraction (``bare``) when it is 0."""
    places = minor_units(currency)
    whole, fraction = divmod(units, 10**places)
    digits = "0" * leading_zeros + str(whole)
    decimals = (str(fraction).zfill(places) if places else "") + "0" * extra_zeros
    if bare and not fraction:
        decimals = ""
    return f"{digits}.{decimals}" if decimals else digits


def minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(minor_units(currency)))


def amounts(currency: str, at_most: Decimal | None = None
            ) -> st.SearchStrategy[str | Decimal]:
    """Amounts of ``currency`` up to ``at_most`` (never above its maximum): one minor
    unit, the limit itself, or anything between; as the strings clients send, or as
    Decimals with any exponent (``1E+2``), as callers inside the ledger pass them."""
    top = minor(maximum_amount(currency), currency)
    cap = top if at_most is None else max(1, min(top, minor(at_most, currency)))
    units = st.sampled_from((1, cap)) | st.integers(1, cap) | st.integers(1, min(cap, 10**6))
    places = minor_units(currency)
    texts = st.builds(spelled, units, st.just(currency), st.integers(0, 4 - places),
                      st.integers(0, 2), st.booleans())
    decimals = units.map(lambda n: Decimal(n).scaleb(-places).normalize())
    return texts | decimals


# ---------------------------------------------------------------------------------------
# Identifiers

IDENTIFIER_CHARS = string.ascii_letters + string.digits + "_:-"


def _identifier(head: str, body: str) -> str:
    """``head`` + ``body`` made a valid identifier: no ``..``, no trailing dot."""
    text = head + body
    while ".." in text:
        text = text.replace("..", ".x")
    return text[:-1] + "z" if text.endswith(".") else text


identifiers = st.one_of(
    st.sampled_from(string.ascii_letters + string.digits),
    st.builds(_identifier, st.sampled_from(string.ascii_letters + string.digits),
              st.text(IDENTIFIER_CHARS + ".", min_size=limits.MAX_IDENTIFIER - 1,
                      max_size=limits.MAX_IDENTIFIER - 1)),
    st.builds(_identifier, st.sampled_from(string.ascii_letters + string.digits),
              st.text(IDENTIFIER_CHARS + ".", max_size=12)),
)
"""1 to 64 letters, digits and ``_ : - .``: every character the pattern allows."""

# ---------------------------------------------------------------------------------------
# Text

SAMPLES = (
    "😀", "👩‍👩‍👧‍👦", "🇯🇵", "漢字かなカナ", "한국어", "مرحبا بالعالم", "שלום", "e\u0301",
    "\u202eRTL override", "\u200b", "\ufeff", "\u00a0", "\u2028", "\u2029", "\U0010ffff",
    "\ufffe", "\ufffd", "\U000e0001", "Ω≈ç√∫", "ß", "ﬃ", "'; DROP TABLE x; --", "\\", "%",
    "=1+1", "\u0600", "\ue000",
)
"""Characters a database, a driver or a JSON encoder might stumble on, none of them
control characters: the rules allow all of them."""


def _text_characters(whitespace: bool) -> st.SearchStrategy[str]:
    chars = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
    return chars | st.sampled_from("\t\n\r") if whitespace else chars


def _longest(text: str, size: int) -> str:
    return (text * (size // max(len(text), 1) + 1))[:size]


def texts(max_size: int, *, whitespace: bool = False, min_size: int = 0
          ) -> st.SearchStrategy[str]:
    """Text in any script up to ``max_size`` characters, often exactly that long; notes
    (``whitespace``) also hold tabs and line breaks. ``min_size`` is 0 or 1."""
    piece = st.text(_text_characters(whitespace), min_size=1, max_size=8) | st.sampled_from(
        SAMPLES + (("line one\r\n\tline two\n",) if whitespace else ()))
    some = st.lists(piece, min_size=1, max_size=4).map("".join)
    longest = some.map(lambda text: _longest(text, max_size))
    return some | longest if min_size else st.just("") | some | longest


names = texts(limits.MAX_NAME, min_size=1)
references = texts(limits.MAX_REFERENCE)
notes = texts(limits.MAX_NOTE, whitespace=True)
required_notes = texts(limits.MAX_NOTE, whitespace=True, min_size=1)

contact_details = st.one_of(
    st.none(),
    st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,31}", fullmatch=True), texts(320),
                    max_size=12),
    st.builds(
        lambda value: {f"{letter}{'_' * 31}": value for letter in string.ascii_lowercase[:12]},
        texts(320, min_size=1).map(lambda text: _longest(text, 320)),
    ),
)
"""Up to 12 keys of up to 32 characters, values of up to 320 characters."""

correlation_ids = st.none() | st.from_regex(r"[A-Za-z0-9._:/\-]{1,128}", fullmatch=True)
command_ids = st.one_of(
    st.none(), st.none(), st.none(), st.none(), texts(128, min_size=1),
    texts(128, whitespace=True, min_size=1),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=128),
)
"""``None`` keeps the default (a UUID); otherwise text, tabs and line breaks included, and
now and then any characters at all (the model refuses control characters)."""


# ---------------------------------------------------------------------------------------
# Dates, times and timezones

EARLIEST, LATEST = limits.EARLIEST_DATE, limits.LATEST_DATE

EXTREME_TIMEZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Etc/GMT+12",
                     "Etc/GMT-14", "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns",
                     "Australia/Lord_Howe", "Europe/Dublin", "Antarctica/Troll", "Factory")
"""The earliest and latest offsets on earth, odd quarter-hour and DST rules, and the zone
with no offset at all."""
timezones = st.sampled_from(EXTREME_TIMEZONES) | st.sampled_from(limits.TIMEZONES)


def _clamped(day: date) -> date:
    return min(max(day, EARLIEST), LATEST)


def dates_around(today: date, *, back: int = 400, ahead: int = 0) -> st.SearchStrategy[date]:
    """Today, a few days either side (up to ``ahead``), the bounds of the calendar, or any
    day between them."""
    near = st.integers(-back, ahead).map(lambda days: _clamped(today + timedelta(days=days)))
    return st.one_of(st.just(today), near, near, st.sampled_from((EARLIEST, LATEST)),
                     st.dates(EARLIEST, LATEST))


def dates_from(today: date, *, ahead: int = 90) -> st.SearchStrategy[date]:
    """Today, up to ``ahead`` days later, or the last day of the calendar (due dates)."""
    later = st.integers(1, ahead).map(lambda days: _clamped(today + timedelta(days=days)))
    return st.one_of(st.just(today), later, later, st.just(LATEST))


def iso(day: date) -> str:
    return day.isoformat()


OFFSETS = st.sampled_from((0, 14 * 60, -12 * 60, 5 * 60 + 45, -(9 * 60 + 30), 23 * 60 + 59,
                           -(23 * 60 + 59))) | st.integers(-(23 * 60 + 59), 23 * 60 + 59)
"""UTC offsets in minutes, to the ends of what an ISO 8601 time may carry."""


@st.composite
def moments(draw: st.DrawFn, now: datetime) -> datetime | str:
    """A time up to ``now`` (sometimes the bounds of the calendar), with any offset or a
    named zone, as a datetime or as the string a client sends."""
    latest = now.replace(tzinfo=None)
    earliest = datetime.combine(EARLIEST, time(0))
    naive = draw(st.one_of(
        st.integers(0, 60 * 24 * 30).map(lambda minutes: latest - timedelta(minutes=minutes)),
        st.sampled_from((earliest, latest)),
        st.datetimes(earliest, latest),
    ))
    offset = draw(OFFSETS)
    zone: timezone | ZoneInfo = (timezone(timedelta(minutes=offset)) if draw(st.booleans())
                                 else ZoneInfo(draw(timezones)))
    at = naive.replace(tzinfo=UTC).astimezone(zone)
    return at.isoformat() if draw(st.booleans()) else at
