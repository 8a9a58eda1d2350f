"""Money is exact: amounts that fit their currency pass unchanged, others are refused.

And the canonical encoding that event hashes are computed over gives the same
bytes for the same values however they were built or stored: a tuple written
is a list read back, a Decimal goes through the event store as a string.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.aggregates.errors import InvalidAmount
from ledger.aggregates.state import Allocation
from ledger.application import LedgerApplication
from ledger.canonical import canonical_bytes
from ledger.currencies import MINOR_UNITS
from ledger.money import normalise

currencies = st.sampled_from(sorted(MINOR_UNITS))
# Up to 15 significant digits and 8 decimals: well inside what a ledger amount may hold.
amounts = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(-(10**15), 10**15),
    st.integers(-8, 6),
)
# Built from text, because Decimal arithmetic would round them: a tiny tail far behind the
# point, and magnitudes beyond the 28 digits an amount may carry.
tiny_tails = st.builds(
    lambda whole, zeros: Decimal(f"{whole}.{'0' * zeros}1"),
    st.integers(-(10**6), 10**6),
    st.integers(0, 40),
)
huge = st.builds(
    lambda digits, exponent: Decimal(f"{digits}E+{exponent}"),
    st.integers(1, 10**12),
    st.integers(0, 40),
)
any_finite_decimal = st.decimals(allow_nan=False, allow_infinity=False) | tiny_tails | huge


def fits(value: Decimal, places: int) -> bool:
    """Integer arithmetic on the digits, so the oracle shares no code with `normalise`."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    surplus = -places - exponent
    return surplus <= 0 or all(d == 0 for d in digits[-surplus:])


def decimals_after_point(text: str) -> int:
    return len(text.partition(".")[2])


@given(currency=currencies, value=amounts)
def test_normalise_accepts_exactly_the_amounts_whose_decimals_fit_the_currency(
    currency: str, value: Decimal
) -> None:
    places = MINOR_UNITS[currency]
    if fits(value, places):
        assert normalise(value, currency) == value
    else:
        with pytest.raises(InvalidAmount):
            normalise(value, currency)


@given(currency=currencies, value=any_finite_decimal)
def test_normalise_never_rounds_whatever_the_number_of_digits(
    currency: str, value: Decimal
) -> None:
    try:
        fixed = normalise(value, currency)
    except InvalidAmount:
        return
    assert fixed == value
    assert fixed.as_tuple().exponent == -MINOR_UNITS[currency]


@given(currency=currencies, value=amounts, extra_zeros=st.integers(0, 6))
def test_equal_amounts_normalise_to_the_same_text(
    currency: str, value: Decimal, extra_zeros: int
) -> None:
    places = MINOR_UNITS[currency]
    if not fits(value, places):
        return
    try:
        padded = value.quantize(Decimal(1).scaleb(-(places + extra_zeros)))
    except InvalidOperation:
        return  # more digits than a Decimal context holds: no such amount reaches here
    assert padded == value
    text = str(normalise(value, currency))
    assert str(normalise(padded, currency)) == text
    assert str(normalise(value.copy_negate() if value == 0 else value, currency)) == text
    assert decimals_after_point(text) == places
    assert normalise(Decimal(text), currency) == normalise(value, currency)


@given(currency=currencies, value=st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_refused_even_when_they_look_exact(currency: str, value: float) -> None:
    with pytest.raises(InvalidAmount):
        normalise(value, currency)


# -- canonical encoding -------------------------------------------------------------------

leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | amounts
    | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
)
nested_lists = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def as_tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: as_tuples(v) for k, v in value.items()}
    return value


@given(value=nested_lists)
def test_canonical_bytes_are_the_same_for_tuples_and_lists(value: Any) -> None:
    assert canonical_bytes(as_tuples(value)) == canonical_bytes(value)


@given(currency=currencies, pairs=st.lists(st.tuples(st.text(max_size=6), amounts), max_size=4))
def test_value_objects_encode_alike_in_a_tuple_or_a_list(
    currency: str, pairs: list[tuple[str, Decimal]]
) -> None:
    allocations = [Allocation(invoice_id, amount) for invoice_id, amount in pairs]
    assert canonical_bytes({"allocations": tuple(allocations)}) == canonical_bytes(
        {"allocations": allocations}
    )


TRANSCODER = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper.transcoder


@given(value=any_finite_decimal, day=st.dates(), invoice_id=st.text(max_size=6))
def test_canonical_bytes_survive_a_round_trip_through_the_event_store_encoding(
    value: Decimal, day: date, invoice_id: str
) -> None:
    """The digest computed when an event is written must match the one computed on reading."""
    payload = {
        "amount": value,
        "as_text": str(value),
        "on": day,
        "allocations": (Allocation(invoice_id, value),),
    }
    stored = TRANSCODER.decode(TRANSCODER.encode(payload))
    assert str(stored["amount"]) == str(value)
    assert stored["amount"] == value
    assert canonical_bytes(stored) == canonical_bytes(payload)
