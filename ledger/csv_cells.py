"""CSV cells as every CSV the ledger writes spells them, safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-``
or ``@`` (or a tab or carriage return, which some strip first) as a formula, so a
command id or a customer's name such as ``=HYPERLINK(...)`` would run on the desk
of whoever opens an export. Such text gets a leading apostrophe, which spreadsheets
read as "this is text" (OWASP's advice for CSV injection). Whether a cell is text
is decided by the value's type, never by its spelling: amounts and counts reach the
writer as ``Decimal`` and ``int`` and stay numbers, so ``-12.50`` is written as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ledger.canonical import plain

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """``text`` as a cell a spreadsheet shows rather than evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str:
    """A value as a cell: numbers as they are, nested values as compact JSON (which
    starts with ``{`` or ``[``), nothing as empty, any other text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    value = plain(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text_cell(str(value))


def row(columns: Sequence[str], record: Mapping[str, Any]) -> list[str]:
    """The record's cells in the order of ``columns``; a missing key is an empty cell."""
    return [cell(record.get(column)) for column in columns]
