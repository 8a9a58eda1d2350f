"""Importing FX rates (reference data): validated rows, all or nothing, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine

from ledger.fx import FxRate
from ledger.fx_rates import FxRates, metadata
from ledger.imports.fx_rates import parse_rates_csv, parse_rates_json

AT = datetime(2026, 3, 3, 9, tzinfo=UTC)
GOOD = """base_currency,quote_currency,rate_date,rate,source
EUR,JPY,2026-03-02,160.25,ECB
EUR,GBP,2026-03-02,0.8571,ECB
"""


@pytest.fixture
def rates() -> FxRates:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    return FxRates(engine)


def test_importing_the_same_file_twice_changes_nothing(rates: FxRates) -> None:
    first = rates.import_rates(parse_rates_csv(GOOD.splitlines(), source="f.csv"), AT)
    again = rates.import_rates(parse_rates_csv(GOOD.splitlines(), source="f.csv"), AT)
    assert (first.added, first.unchanged, first.errors) == (2, 0, ())
    assert (again.added, again.unchanged, again.errors) == (0, 2, ())
    stored = rates.on(date(2026, 3, 2))
    assert [(s.rate, s.source) for s in stored] == [
        (FxRate("EUR", "GBP", date(2026, 3, 2), Decimal("0.8571")), "ECB"),
        (FxRate("EUR", "JPY", date(2026, 3, 2), Decimal("160.25")), "ECB"),
    ]


def test_bad_rows_are_refused_with_their_row_numbers_and_nothing_is_imported(
    rates: FxRates,
) -> None:
    text = GOOD + "\n".join([
        "EUR,XXY,2026-03-02,1.5,",       # row 4: unknown currency
        "EUR,USD,2026-02-30,1.08,",      # row 5: no such date
        "EUR,USD,2026-03-02,-1.08,",     # row 6: negative
        "EUR,USD,2026-03-02,1e3,",       # row 7: exponent
        "EUR,CHF,2026-03-02,0,",         # row 8: zero
        "EUR,EUR,2026-03-02,1,",         # row 9: a currency against itself
        "EUR,JPY,2026-03-02,161,",       # row 10: contradicts row 2
        "EUR,SEK,2026-03-02,1.1234567890123,",  # row 11: too many decimals
    ])
    result = rates.import_rates(parse_rates_csv(text.splitlines(), source="f.csv"), AT)
    assert [(e.row_number, e.column) for e in result.errors] == [
        (4, "quote_currency"), (5, "rate_date"), (6, "rate"), (7, "rate"), (8, "rate"),
        (9, "quote_currency"), (10, "rate"), (11, "rate")]
    assert result.added == 0 and rates.on(date(2026, 3, 2)) == []


def test_a_rate_already_imported_is_not_changed_by_another_import(rates: FxRates) -> None:
    rates.import_rates(parse_rates_csv(GOOD.splitlines(), source="f.csv"), AT)
    changed = GOOD.replace("160.25", "161.00") + "EUR,USD,2026-03-02,1.08,\n"
    result = rates.import_rates(parse_rates_csv(changed.splitlines(), source="g.csv"), AT)
    assert [(e.row_number, e.column) for e in result.errors] == [(2, "rate")]
    assert "already 160.25" in result.errors[0].message
    assert len(rates.on(date(2026, 3, 2))) == 2


def test_json_rates_are_strings_and_default_their_source_to_the_import() -> None:
    parsed = parse_rates_json([
        {"base_currency": "EUR", "quote_currency": "USD", "rate_date": "2026-03-02",
         "rate": "1.0842"},
        {"base_currency": "EUR", "quote_currency": "GBP", "rate_date": "2026-03-02",
         "rate": 0.85},
    ], source="api")
    assert [(r.rate.quote, r.source) for r in parsed.rates] == [("USD", "api")]
    assert [(e.row_number, e.column) for e in parsed.errors] == [(2, "rate")]


def test_the_book_holds_the_rates_on_or_before_a_day(rates: FxRates) -> None:
    rates.import_rates(parse_rates_csv(GOOD.splitlines(), source="f.csv"), AT)
    assert rates.book(date(2026, 3, 1)).by_pair == {}
    assert rates.book(date(2026, 3, 2)).latest("EUR", "JPY", date(2026, 3, 9)) is not None
