"""CSV and NDJSON exports, streamed: long lists leave as they are read.

A client chooses with ``?format=csv|ndjson|json`` or, failing that, the ``Accept``
header; JSON stays the default. A CSV cell holds what the NDJSON field holds, except
that text a spreadsheet would run as a formula starts with an apostrophe
(`ledger.csv_cells`). Sources page through what they read, so neither side holds a
whole history in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from ledger.canonical import plain
from ledger.csv_cells import row

CSV = "text/csv"
NDJSON = "application/x-ndjson"
JSON = "application/json"
MEDIA = {CSV: "csv", NDJSON: "ndjson", JSON: "json"}

EXPORTABLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON by default; CSV or NDJSON by `format` or `Accept`",
        "content": {CSV: {"schema": {"type": "string"}},
                    NDJSON: {"schema": {"type": "string"}}},
    }
}

FormatQuery = Annotated[
    Literal["json", "csv", "ndjson"] | None,
    Query(alias="format", description="overrides the Accept header"),
]


def chosen_format(request: Request, format_: FormatQuery = None) -> str:
    if format_ is not None:
        return format_
    for offered in request.headers.get("accept", "").split(","):
        media = offered.split(";")[0].strip().lower()
        if media in MEDIA:
            return MEDIA[media]
    return "json"


ExportFormat = Annotated[str, Depends(chosen_format)]


def streamed(
    fmt: str, columns: Sequence[str], records: Iterable[dict[str, Any]], name: str
) -> StreamingResponse:
    """``fmt`` is csv or ndjson; ``columns`` name the CSV's header and cells."""
    body = csv_lines(columns, records) if fmt == "csv" else ndjson_lines(records)
    return StreamingResponse(
        body, media_type=CSV if fmt == "csv" else NDJSON,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


class _Line:
    """Where the csv writer puts one row, to be yielded at once."""

    text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def csv_lines(columns: Sequence[str], records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Rows end in CRLF (RFC 4180), which also makes the writer quote a cell holding a
    lone carriage return; with LF endings it would leave it bare, breaking the row."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(columns)
    yield line.text
    for record in records:
        writer.writerow(row(columns, record))
        yield line.text


def ndjson_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(plain(record), separators=(",", ":"), ensure_ascii=False) + "\n"

