"""CSV cells as every CSV the ledger writes spells them: the API's exports and the CLI.

One spelling, so a file saved from either reads the same: numbers as they are, nested
values (a history row's payload) as compact JSON, nothing as an empty cell.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ledger.canonical import plain


def cell(value: Any) -> str:
    """A value as a cell: numbers as they are, nested values as compact JSON, nothing
    as empty, text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    value = plain(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return str(value)


def row(columns: Sequence[str], record: Mapping[str, Any]) -> list[str]:
    """The record's cells in the order of ``columns``; a missing key is an empty cell."""
    return [cell(record.get(column)) for column in columns]
