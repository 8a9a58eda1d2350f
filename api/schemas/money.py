"""Decimal amounts as the API writes them: exact decimal strings, never JSON numbers.

A JSON number is a binary float in most clients, and ``0.1 + 0.2`` is not what a
ledger may show; a string keeps the exact amount and its places (``"1250.00"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

DECIMAL_TEXT = r"^-?\d+(\.\d+)?$"

Money = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_TEXT, "examples": ["1250.00"]}),
]
"""An amount in the currency of its row, with the currency's places."""

Ratio = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_TEXT, "examples": ["42.50"]}),
]
"""A ratio, a score or a count of days, exact to the places it was computed to."""
