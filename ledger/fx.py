"""Converting an amount into the reporting currency: pure, exact, and saying its rate date.

FX rates are reference data (docs/domain.md, *Reporting currency*): they rank work and
total a portfolio in one currency, and never change a ledger amount. A rate says that
one unit of ``base`` is worth ``rate`` units of ``quote`` on ``rate_date``.

The lookup rule, kept simple on purpose: an amount in C on day D converts to R with the
latest rate *on or before* D between C and R, quoted either way (C/R multiplies, R/C
divides); when both directions have a rate, the later date wins, and on the same date
the direct quote. There are no cross rates through a third currency: import the pairs
against the reporting currency (an ECB file, EUR/xxx, serves EUR reporting directly).
The result is rounded half-even to R's minor units. Without a rate the answer is
`NoRate`, never a silent rate of 1. R to R needs no rate and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

from ledger.currencies import minor_units

EXACT = Context(prec=60)
"""Wide enough that a product or quotient of any accepted amount and rate is exact or
off far below the reporting currency's smallest unit before the one rounding."""


@dataclass(frozen=True, order=True)
class FxRate:
    """One unit of ``base`` is ``rate`` units of ``quote`` on ``rate_date``."""

    base: str
    quote: str
    rate_date: date
    rate: Decimal


@dataclass(frozen=True)
class Converted:
    """``amount`` in ``currency`` (the reporting one), using the rate of ``rate_date``
    (None: the amount was already in the reporting currency)."""

    amount: Decimal
    currency: str
    rate_date: date | None


@dataclass(frozen=True)
class NoRate:
    """No rate between ``currency`` and ``reporting`` on or before ``day``."""

    currency: str
    reporting: str
    day: date


@dataclass(frozen=True)
class RateBook:
    """The rates known, by pair, oldest first."""

    by_pair: dict[tuple[str, str], tuple[FxRate, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: Iterable[FxRate]) -> RateBook:
        pairs: dict[tuple[str, str], list[FxRate]] = {}
        for rate in rates:
            pairs.setdefault((rate.base, rate.quote), []).append(rate)
        return cls({pair: tuple(sorted(found)) for pair, found in pairs.items()})

    def latest(self, base: str, quote: str, day: date) -> FxRate | None:
        """The pair's rate of the latest date on or before ``day``."""
        found = None
        for rate in self.by_pair.get((base, quote), ()):
            if rate.rate_date > day:
                break
            found = rate
        return found


def convert(amount: Decimal, currency: str, day: date, reporting: str,
            book: RateBook) -> Converted | NoRate:
    """``amount`` of ``currency`` on ``day`` in ``reporting`` (module docstring)."""
    places = Decimal(1).scaleb(-minor_units(reporting))
    if currency == reporting:
        return Converted(amount.quantize(places, ROUND_HALF_EVEN), reporting, None)
    direct = book.latest(currency, reporting, day)
    inverse = book.latest(reporting, currency, day)
    if direct is None and inverse is None:
        return NoRate(currency, reporting, day)
    if direct is not None and (inverse is None or direct.rate_date >= inverse.rate_date):
        value, used = EXACT.multiply(amount, direct.rate), direct.rate_date
    else:
        assert inverse is not None
        value, used = EXACT.divide(amount, inverse.rate), inverse.rate_date
    return Converted(value.quantize(places, ROUND_HALF_EVEN, EXACT), reporting, used)


@dataclass(frozen=True)
class Reporting:
    """The reporting currency and the rates known on a day: what ranking and totals
    convert with."""

    currency: str
    book: RateBook

    def convert(self, amount: Decimal, currency: str, day: date) -> Converted | NoRate:
        return convert(amount, currency, day, self.currency, self.book)

    def rate_used(self, currency: str, day: date) -> str | None:
        """The ISO date of the rate ``currency`` converts with on ``day``, ``"no rate"``,
        or None for the reporting currency itself."""
        if currency == self.currency:
            return None
        found = self.convert(Decimal(0), currency, day)
        if isinstance(found, NoRate):
            return NO_RATE
        assert found.rate_date is not None
        return found.rate_date.isoformat()


NO_RATE = "no rate"
