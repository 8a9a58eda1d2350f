"""Money for the demo: random amounts in whole minor units, shares, round-ups.

Amounts are drawn as integers of minor units and turned into ``Decimal`` with
the currency's exponent, so a JPY amount never carries decimals and nothing
ever passes through a float.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from random import Random

from ledger.currencies import minor_units

PER_USD = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "JPY": Decimal(150)}
BANK_FEES = {"USD": (15, 45), "EUR": (8, 35), "GBP": (8, 30), "JPY": (440, 880)}


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def exact(amount: Decimal, currency: str) -> Decimal:
    """Down to the currency's minor unit: the demo never invents a fraction of a cent."""
    return amount.quantize(quantum(currency), rounding=ROUND_DOWN)


def drawn(rng: Random, low: Decimal, high: Decimal, currency: str) -> Decimal:
    unit = quantum(currency)
    return rng.randint(int(low / unit), int(high / unit)) * unit


def in_currency(usd: Decimal, currency: str) -> Decimal:
    return exact(usd * PER_USD[currency], currency)


def share(amount: Decimal, percent: int, currency: str) -> Decimal:
    return exact(amount * percent / 100, currency)


def round_figure(amount: Decimal, currency: str, up: bool = True) -> Decimal:
    """The next round figure above (or below) ``amount``: 100s, or 10,000s of JPY."""
    step = Decimal(10_000) if currency == "JPY" else Decimal(100)
    whole = (amount / step).to_integral_value(rounding=ROUND_DOWN) * step
    if up:
        whole += step
    return exact(max(whole, step), currency)


def bank_fee(rng: Random, currency: str) -> Decimal:
    low, high = BANK_FEES[currency]
    return Decimal(rng.randint(low, high))
