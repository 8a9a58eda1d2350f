"""Converting into the reporting currency (`ledger.fx.convert`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.currencies import minor_units
from ledger.fx import Converted, FxRate, NoRate, RateBook, convert

CURRENCIES = ("EUR", "USD", "GBP", "JPY", "KWD", "CLF")
currencies = st.sampled_from(CURRENCIES)
days = st.dates(date(2000, 1, 1), date(2100, 12, 31))
rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("999999"), places=6)


def amounts(currency: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=Decimal("99999999999"),
                       places=minor_units(currency))


@given(currencies.flatmap(lambda c: st.tuples(st.just(c), amounts(c))), days)
def test_converting_the_reporting_currency_into_itself_changes_nothing(
    pair: tuple[str, Decimal], day: date
) -> None:
    currency, amount = pair
    assert convert(amount, currency, day, currency, RateBook()) == Converted(
        amount, currency, None)


@given(st.data(), currencies, currencies, days, rates, st.booleans())
def test_a_conversion_has_the_reporting_currencys_minor_units_and_names_its_rate_date(
    data: st.DataObject, currency: str, reporting: str, day: date, rate: Decimal,
    inverse: bool,
) -> None:
    amount = data.draw(amounts(currency))
    rated_on = day - timedelta(days=data.draw(st.integers(0, 40)))
    pair = (reporting, currency) if inverse else (currency, reporting)
    book = RateBook.of([FxRate(*pair, rated_on, rate)]) if currency != reporting else RateBook()
    result = convert(amount, currency, day, reporting, book)
    assert isinstance(result, Converted)
    assert result.amount.as_tuple().exponent == -minor_units(reporting)
    assert result.rate_date == (None if currency == reporting else rated_on)


@given(st.data(), currencies, currencies, days, rates, st.booleans())
def test_a_larger_amount_never_converts_to_less(
    data: st.DataObject, currency: str, reporting: str, day: date, rate: Decimal,
    inverse: bool,
) -> None:
    smaller, larger = sorted(data.draw(st.tuples(amounts(currency), amounts(currency))))
    pair = (reporting, currency) if inverse else (currency, reporting)
    book = RateBook.of([FxRate(*pair, day, rate)]) if currency != reporting else RateBook()
    low, high = (convert(a, currency, day, reporting, book) for a in (smaller, larger))
    assert isinstance(low, Converted) and isinstance(high, Converted)
    assert low.amount <= high.amount


def test_the_latest_rate_on_or_before_the_day_is_used_and_rounded_half_even() -> None:
    book = RateBook.of([
        FxRate("GBP", "EUR", date(2026, 3, 1), Decimal("1.15")),
        FxRate("GBP", "EUR", date(2026, 3, 2), Decimal("1.1625")),
        FxRate("GBP", "EUR", date(2026, 3, 9), Decimal("2")),
    ])
    assert convert(Decimal("0.10"), "GBP", date(2026, 3, 5), "EUR", book) == Converted(
        Decimal("0.12"), "EUR", date(2026, 3, 2))  # 0.11625 -> 0.12
    assert convert(Decimal("0.30"), "GBP", date(2026, 3, 5), "EUR", book) == Converted(
        Decimal("0.35"), "EUR", date(2026, 3, 2))  # 0.34875 -> 0.35


def test_an_inverse_rate_divides_and_the_later_of_direct_and_inverse_wins() -> None:
    book = RateBook.of([
        FxRate("EUR", "JPY", date(2026, 3, 2), Decimal("160")),
        FxRate("JPY", "EUR", date(2026, 3, 1), Decimal("0.01")),
    ])
    assert convert(Decimal(37_000_000), "JPY", date(2026, 3, 3), "EUR", book) == Converted(
        Decimal("231250.00"), "EUR", date(2026, 3, 2))
    assert convert(Decimal(100), "JPY", date(2026, 3, 1), "EUR", book) == Converted(
        Decimal("1.00"), "EUR", date(2026, 3, 1))


def test_without_a_rate_on_or_before_the_day_there_is_no_rate_never_one() -> None:
    book = RateBook.of([FxRate("GBP", "EUR", date(2026, 3, 2), Decimal("1.15"))])
    assert convert(Decimal(10), "GBP", date(2026, 3, 1), "EUR", book) == NoRate(
        "GBP", "EUR", date(2026, 3, 1))
    assert isinstance(convert(Decimal(10), "USD", date(2026, 3, 9), "EUR", book), NoRate)
