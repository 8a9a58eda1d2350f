"""A trail's refused contacts: rows of their own kind, in files of their own.

A refusal is evidence kept beside an account, on its hash-chained compliance stream
(`ledger.aggregates.contact_compliance`), not one of its events: its version, hash link
and digest are the compliance stream's (``previous_digest`` as ``prev_hash``; the digest
is `Chained.recomputed_digest`, not an account event's). So refusals go to
``refusals.ndjson`` and ``refusals.csv`` (the same rows, as a table), each listed in the
manifest with its SHA-256 like every file, and ``events.*`` keep holding account events
only, as the offline check of their chains expects. An account trail holds all of the
account's refusals; a period trail those dated (``effective_on``, the attempt's local
date) in the period, as it holds events. Up to the verified position, as the events.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ledger.application import LedgerApplication
from ledger.audit.refusal_records import refusal_record
from ledger.audit.refusal_report import refusals_of
from ledger.audit.trail_query import TrailQuery
from ledger.csv_cells import text_cell

REFUSALS_NDJSON = "refusals.ndjson"
REFUSALS_CSV = "refusals.csv"
REFUSAL_COLUMNS = ("account", "stream_id", "version", "type", "effective_on", "recorded_at",
                   "actor_id", "actor_role", "command_id", "correlation_id", "prev_hash",
                   "hash", "payload")


def write_refusals(
    app: LedgerApplication, query: TrailQuery, numbers: Iterable[str], position: int,
    out: Path,
) -> int:
    """Write the refusals of ``numbers`` that ``query`` includes; how many were written."""
    written = 0
    with (out / REFUSALS_NDJSON).open("w", encoding="utf-8", newline="\n") as ndjson, \
            (out / REFUSALS_CSV).open("w", encoding="utf-8", newline="") as table:
        rows_out = csv.writer(table)
        rows_out.writerow(REFUSAL_COLUMNS)
        for refusal in refusals_of(app, sorted(numbers), up_to=position):
            if not query.includes(refusal.effective_on):
                continue
            row = refusal_row(refusal_record(refusal), refusal.account)
            ndjson.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
            rows_out.writerow(csv_cells(row))
            written += 1
    return written


def refusal_row(record: dict[str, Any], number: str) -> dict[str, Any]:
    fields = {**record, "account": number, "stream_id": record["account_id"]}
    return {name: fields[name] for name in REFUSAL_COLUMNS}


def csv_cells(row: dict[str, Any]) -> list[str]:
    return [json.dumps(row[name], sort_keys=True, separators=(",", ":")) if name == "payload"
            else text_cell(value) if isinstance(value := row[name], str) else str(value)
            for name in REFUSAL_COLUMNS]
