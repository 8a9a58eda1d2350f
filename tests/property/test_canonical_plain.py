"""`ledger.canonical.plain` looks common types up by their exact type first; whatever it is
given, it answers what the general chain (the definition) answers, so every digest stays
byte-identical (docs/canonical-encoding.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from ledger.canonical import _plain_in_general, canonical_bytes, plain


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    ONE = 1


class Money(Decimal):
    pass


@dataclass(frozen=True)
class Line:
    invoice_id: str
    amount: Decimal
    on: date


class Stamp(datetime):
    pass


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=8),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.dates(), st.datetimes(timezones=st.just(UTC)), st.uuids(),
    st.sampled_from([Colour.RED, Level.ONE, Money("1.50"),
                     Stamp(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)]),
    st.builds(Line, st.text(max_size=5), st.decimals(allow_nan=False, allow_infinity=False,
                                                      places=2), st.dates()),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=4), inner, max_size=3),
    st.dictionaries(st.uuids(), inner, max_size=2),
), max_leaves=12)


@given(VALUES)
def test_plain_answers_what_the_general_chain_answers(value: Any) -> None:
    assert plain(value) == _plain_in_general(value)
    assert type(plain(value)) is type(_plain_in_general(value))


def test_the_canonical_bytes_of_a_sample_document_are_unchanged() -> None:
    document = {"id": UUID(int=7), "at": datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
                "on": date(2026, 5, 1), "amount": Decimal("12.50"), "lines": (Line(
                    "INV-1", Decimal("2.5"), date(2026, 4, 1)),), "colour": Colour.RED}
    assert canonical_bytes(document) == (
        b'{"amount":"12.50","at":"2026-05-01T12:00:00.000000Z","colour":"red","id":'
        b'"00000000-0000-0000-0000-000000000007","lines":[{"amount":"2.5","invoice_id":'
        b'"INV-1","on":"2026-04-01"}],"on":"2026-05-01"}')
