"""A portfolio's total in the reporting currency, naming the rate date used per currency.

Pure: per-currency totals in, one total out. Each currency's total is converted once
(`ledger.fx.convert`, so rounded once); a currency without a rate is listed with no
converted amount and leaves the total incomplete (``complete`` false) rather than
counted at a guessed rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.currencies import minor_units
from ledger.fx import Converted, Reporting


@dataclass(frozen=True)
class CurrencyInReporting:
    currency: str
    total: Decimal
    converted: Decimal | None
    rate_date: date | None


@dataclass(frozen=True)
class TotalInReporting:
    currency: str
    total: Decimal
    complete: bool
    currencies: tuple[CurrencyInReporting, ...]


def total_in(reporting: Reporting, totals: Mapping[str, Decimal], day: date) -> TotalInReporting:
    parts = []
    for currency, amount in sorted(totals.items()):
        found = reporting.convert(amount, currency, day)
        parts.append(CurrencyInReporting(
            currency, amount, found.amount if isinstance(found, Converted) else None,
            found.rate_date if isinstance(found, Converted) else None))
    converted = [p.converted for p in parts if p.converted is not None]
    places = Decimal(1).scaleb(-minor_units(reporting.currency))
    total = sum(converted, Decimal(0)).quantize(places)  # exact: each has these places
    return TotalInReporting(reporting.currency, total, len(converted) == len(parts),
                            tuple(parts))
