"""Money, dates and times in the reader's locale, by Babel.

Amounts are shown in their own currency, never converted; the locale only decides how
they are written (``1.234,56 €`` or ``€1,234.56``). Stored times are UTC and shown with
their offset, so nobody mistakes them for local time; a page that means another zone
(the debtor's local time) passes it. The locale comes from the browser's
``Accept-Language``, negotiated against the few locales listed here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone_gmt
from babel.numbers import format_currency, format_decimal, format_percent

SUPPORTED_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL")
DEFAULT_LOCALE = Locale.parse("en_US")


def negotiate(accept_language: str | None) -> Locale:
    """The supported locale the browser prefers most (``de-CH;q=0.8, fr`` → fr_FR)."""
    ranked: list[tuple[Decimal, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = Decimal(1)
        if params.strip().startswith("q="):
            try:
                quality = Decimal(params.strip()[2:])
            except ArithmeticError:
                continue
            if not quality.is_finite():
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(ranked)]
    return Locale.negotiate(preferred, SUPPORTED_LOCALES) or DEFAULT_LOCALE


def money(amount: Decimal | str | int, currency: str, locale: Locale) -> str:
    """``amount`` in ``currency``, written the reader's way; never converted."""
    return format_currency(Decimal(amount), currency, locale=locale)


def number(value: Decimal | float | int, locale: Locale) -> str:
    return format_decimal(value, locale=locale)


def percent(ratio: Decimal | float, locale: Locale) -> str:
    """A ratio (0.25) as a percentage (25%)."""
    return format_percent(ratio, locale=locale)


def day(value: date, locale: Locale) -> str:
    """A business date (due, as of): a calendar day, no time, no zone."""
    return format_date(value, format="medium", locale=locale)


def moment(value: datetime, locale: Locale, zone: tzinfo = UTC) -> str:
    """A recorded time in ``zone`` (UTC unless said), with its offset: ``… 14:05:09 +00:00``.
    A naive datetime is refused: the ledger's times all carry their zone."""
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    shown = value.astimezone(zone)
    return (f"{format_datetime(shown, format='medium', tzinfo=zone, locale=locale)} "
            f"{get_timezone_gmt(shown, width='iso8601', locale=locale)}")
