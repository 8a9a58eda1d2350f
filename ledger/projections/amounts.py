"""Read models store money as integer minor units.

SQLite has no decimal type (SQLAlchemy would round-trip Numeric through float), so
amounts are stored as whole cents, yen or fils: sums in SQL are exact on every
backend, and `from_minor` turns them back into Decimals with the currency's places.
"""

from __future__ import annotations

from decimal import Decimal

from ledger.currencies import minor_units


def to_minor(amount: Decimal, currency: str) -> int:
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(scaled)


def from_minor(value: int | None, currency: str) -> Decimal:
    places = minor_units(currency)
    return Decimal(value or 0).scaleb(-places).quantize(Decimal(1).scaleb(-places))
