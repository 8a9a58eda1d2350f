"""One event as a trail row, and its digest recomputed from the row alone.

A row carries the event's full envelope and its payload (personal fields as the
sealed values the event stores, which is what its hash covers), so anyone holding
the file can recompute every digest with ``ledger.canonical`` and nothing else:
the digested payload is the row's ``payload`` plus the five envelope fields
(docs/canonical-encoding.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from ledger.aggregates.envelope import LedgerEvent
from ledger.canonical import event_digest, from_utc_text
from ledger.csv_cells import text_cell
from ledger.service import event_record

ENVELOPE = ("effective_on", "actor_id", "actor_role", "command_id", "correlation_id")
FIELDS = ("account", "account_id", "version", "type", *ENVELOPE[:1], "recorded_at",
          *ENVELOPE[1:], "prev_hash", "hash", "payload")
"""Every row's keys, in the order the CSV columns take them."""


def trail_record(event: LedgerEvent, number: str) -> dict[str, Any]:
    """The row for ``event`` of account ``number``: JSON types only."""
    record = event_record(event)
    return {name: number if name == "account" else record[name] for name in FIELDS}


def csv_row(record: Mapping[str, Any], *, spreadsheet_safe: bool = True) -> list[str]:
    """The row as CSV cells; the payload as canonical JSON text. Text that a spreadsheet
    would run as a formula starts with an apostrophe (`ledger.csv_cells`); trails
    written before that have it as it is, which ``spreadsheet_safe=False`` spells."""
    cells = []
    for name in FIELDS:
        value = record[name]
        if name == "payload":
            cells.append(json.dumps(value, sort_keys=True, separators=(",", ":")))
        elif spreadsheet_safe and isinstance(value, str):
            cells.append(text_cell(value))
        else:
            cells.append(str(value))
    return cells


def recomputed_digest(record: Mapping[str, Any]) -> str:
    """The event's SHA-256 from the row; KeyError/TypeError/ValueError on a malformed row."""
    payload = dict(record["payload"])
    for name in ENVELOPE:
        payload[name] = record[name]
    return event_digest(
        stream_id=UUID(record["account_id"]),
        version=int(record["version"]),
        event_type=str(record["type"]),
        payload=payload,
        recorded_at=from_utc_text(record["recorded_at"]),
        prev_hash=str(record["prev_hash"]),
    )
