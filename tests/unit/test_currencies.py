"""The ledger's ISO 4217 table agrees with the maintained ``iso4217`` package.

``ledger/currencies.py`` keeps its own table of minor units (the runtime needs no package that
would drop a code the moment ISO withdraws it). This holds that table to ISO's current list,
as the package publishes it: every code with minor units and the same number of them. When
ISO amends the list and the package follows, a test here fails and says which code changed.
"""

from __future__ import annotations

import iso4217

from ledger.currencies import MINOR_UNITS

# Withdrawn from ISO's current list but kept on purpose: invoices issued in them before
# their withdrawal are still on the ledger, and are still paid, credited, settled and
# written off in the currency they were issued in.
WITHDRAWN_BUT_KEPT: dict[str, str] = {
    "ANG": "Netherlands Antillean guilder, replaced by the Caribbean guilder (XCG) in 2025",
    "BGN": "Bulgarian lev, replaced by the euro on 2026-01-01",
}


def iso_minor_units() -> dict[str, int]:
    """Every current code that has minor units, with their number.

    Codes whose minor units ISO gives as "N.A." (gold, silver and the other metals, the
    bond-market units, XDR, XSU, XUA, the testing code XTS and XXX for "no currency") carry
    no amount the ledger could check, so the ledger has none of them.
    """
    return {
        currency.code: currency.exponent
        for currency in iso4217.Currency
        if currency.exponent is not None
    }


def test_every_current_iso_code_is_known_with_its_minor_units() -> None:
    ours = {code: units for code, units in MINOR_UNITS.items() if code not in WITHDRAWN_BUT_KEPT}
    iso = iso_minor_units()

    assert sorted(set(iso) - set(ours)) == [], "ISO codes the ledger lacks"
    assert sorted(set(ours) - set(iso)) == [], "codes the ledger has that ISO does not"
    assert {code: (ours[code], iso[code]) for code in ours if ours[code] != iso[code]} == {}


def test_the_ledger_has_no_code_without_minor_units() -> None:
    without = {currency.code for currency in iso4217.Currency if currency.exponent is None}

    assert without, "the package still lists the metals and units without minor units"
    assert sorted(without & set(MINOR_UNITS)) == []


def test_codes_kept_after_withdrawal_are_really_withdrawn_and_really_kept() -> None:
    current = {currency.code for currency in iso4217.Currency}

    assert sorted(set(WITHDRAWN_BUT_KEPT) & current) == [], "back on ISO's list: drop the note"
    assert set(WITHDRAWN_BUT_KEPT) <= set(MINOR_UNITS)


def test_the_package_is_a_recent_list() -> None:
    """An old package would agree with an old table; ISO amends the list a few times a year."""
    assert iso4217.__published__.year >= 2026
