"""ISO 4217 currencies and their minor units.

The minor units decide how many decimals an amount may carry: an amount with
more decimals than its currency allows is rejected, never rounded, because a
silently rounded cent is a reconciliation break someone finds months later.

The table is every code of ISO 4217's current list that has minor units, plus withdrawn
codes that amounts on the ledger may still be in; ``tests/unit/test_currencies.py`` holds it
to the list as the maintained ``iso4217`` package publishes it.
"""

from __future__ import annotations

from decimal import Decimal

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR "
    "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU "
    "MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
    "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS "
    "TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XAD XCD XCG YER ZAR ZMW ZWG"
)

MINOR_UNITS: dict[str, int] = {
    **{code: 0 for code in _ZERO_DECIMALS.split()},
    **{code: 2 for code in _TWO_DECIMALS.split()},
    **{code: 3 for code in _THREE_DECIMALS.split()},
    **{code: 4 for code in _FOUR_DECIMALS.split()},
}


MAX_MINOR_UNITS = 10**13 - 1
"""The largest amount an invoice, payment or any other command may carry, in minor
units: 99,999,999,999.99 in a two-decimal currency. The read models keep amounts as
64-bit integers of minor units; at this size almost a million maximal amounts sum
without overflow even where a sum is a 64-bit integer (SQLite), and PostgreSQL sums
64-bit integers as NUMERIC, which cannot overflow."""

HIGH_DENOMINATION_MAX_MINOR_UNITS = 10**15 - 1
"""For currencies whose unit is worth less than a thousandth of a US dollar, where
10^13 minor units could be an ordinary B2B invoice: over 9,000 maximal amounts still sum
within 64 bits."""

_HIGH_DENOMINATION = (
    "BIF CDF COP GNF IDR IQD IRR KHR KRW LAK LBP MGA MMK MNT PYG SYP TZS UGX UZS VND"
)


def maximum_amount(code: str) -> Decimal:
    """The largest amount of ``code`` a command may carry (docs/domain.md, Input limits)."""
    limit = (HIGH_DENOMINATION_MAX_MINOR_UNITS if code in _HIGH_DENOMINATION.split()
             else MAX_MINOR_UNITS)
    return Decimal(limit).scaleb(-MINOR_UNITS[code])


def is_known_currency(code: str) -> bool:
    return code in MINOR_UNITS


def minor_units(code: str) -> int:
    return MINOR_UNITS[code]
