"""Checking a regulatory trail offline, against its own manifest: no database needed.

The manifest must be consistent in itself (known format, every file listed once,
row counts that agree with each other and with the totals, a query it can be read
as); every listed file must be present with the size, SHA-256 and row count the
manifest gives and no file may be unlisted; ``events.csv`` must say what
``events.ndjson`` says row for row; and the hash chains in ``events.ndjson`` must
hold (ledger.audit.trail_chain). A file edited together with its hash in the
manifest still fails the chain check; a trail re-made wholesale fails only the
comparison of the manifest's SHA-256 with the ``TrailExported`` event the ledger
recorded, which ``summary`` prints for that purpose.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.aggregates.errors import LedgerError
from ledger.audit.trail_chain import chain_problems, read_rows
from ledger.audit.trail_manifest import (
    EVENTS_CSV,
    EVENTS_NDJSON,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    sha256_of,
)
from ledger.audit.trail_query import TrailQuery
from ledger.audit.trail_records import FIELDS, csv_row

HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TrailProblem:
    file: str
    where: str
    detail: str

    def __str__(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return f"{self.file}{at}: {self.detail}"


@dataclass(frozen=True)
class TrailCheck:
    ok: bool
    manifest_sha256: str
    events: int
    accounts: int
    problems: tuple[TrailProblem, ...]
    notes: tuple[str, ...]

    def summary(self) -> str:
        head = (f"trail verified: {self.events} events of {self.accounts} accounts"
                if self.ok else f"TRAIL BROKEN: {len(self.problems)} problem(s)")
        sha = f"; manifest sha256 {self.manifest_sha256}" if self.manifest_sha256 else ""
        lines = [head + sha]
        lines += [f"  {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def check_trail(directory: Path) -> TrailCheck:
    problems: list[TrailProblem] = []
    notes: list[str] = []
    path = directory / MANIFEST
    if not path.is_file():
        return _failed("", [TrailProblem(MANIFEST, "", f"missing from {directory}")])
    manifest_sha256, _ = sha256_of(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        query, files = _consistent(manifest)
    except (ValueError, LedgerError, KeyError, TypeError, AttributeError) as error:
        detail = error.message if isinstance(error, LedgerError) else str(error)
        return _failed(manifest_sha256, [TrailProblem(MANIFEST, "", f"inconsistent: {detail}")])
    listed = {MANIFEST, *files}
    for extra in sorted(p.name for p in directory.iterdir() if p.name not in listed):
        problems.append(TrailProblem(extra, "", "not listed in the manifest"))
    for name, entry in files.items():
        problems += _file_problems(directory / name, entry)
    rows, row_problems = _ndjson_rows(directory / EVENTS_NDJSON)
    problems += row_problems
    problems += _csv_problems(directory / EVENTS_CSV, [row for _, row in rows])
    verification = manifest["verification"]
    declared = {str(b.get("account_id")) for b in verification.get("breaks", [])
                if isinstance(b, Mapping)}
    for found in chain_problems(rows, query, verification["heads"]):
        if found.account in declared and verification.get("override") is True:
            notes.append(f"{found.where()}: {found.detail} (declared broken at export)")
        else:
            problems.append(TrailProblem(EVENTS_NDJSON, found.where(), found.detail))
    if verification.get("override") is True:
        notes.append("exported with an override although the ledger did not verify: "
                     + str(verification.get("summary", "")).splitlines()[0])
    return TrailCheck(
        ok=not problems, manifest_sha256=manifest_sha256, events=len(rows),
        accounts=len({row["account"] for _, row in rows}), problems=tuple(problems),
        notes=tuple(notes),
    )


def _failed(manifest_sha256: str, problems: list[TrailProblem]) -> TrailCheck:
    return TrailCheck(False, manifest_sha256, 0, 0, tuple(problems), ())


def _consistent(manifest: Any) -> tuple[TrailQuery, dict[str, Mapping[str, Any]]]:
    """The manifest's query and files by name; ValueError saying what does not hold."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format_version {manifest.get('format_version')!r} is not "
                         f"{FORMAT_VERSION}")
    query = TrailQuery.from_dict(manifest["query"])
    files: dict[str, Mapping[str, Any]] = {}
    for entry in manifest["files"]:
        name = entry["name"]
        if not isinstance(name, str) or Path(name).name != name or name == MANIFEST:
            raise ValueError(f"file name {name!r} is not a plain name of a trail file")
        if name in files:
            raise ValueError(f"{name} is listed twice")
        if not HEX64.fullmatch(str(entry["sha256"])):
            raise ValueError(f"{name}: sha256 is not 64 lower-case hex digits")
        if not all(type(entry[k]) is int and entry[k] >= 0 for k in ("bytes", "rows")):
            raise ValueError(f"{name}: bytes and rows must be non-negative integers")
        files[name] = entry
    for required in (EVENTS_NDJSON, EVENTS_CSV):
        if required not in files:
            raise ValueError(f"{required} is not listed")
    events = manifest["totals"]["events"]
    if not files[EVENTS_NDJSON]["rows"] == files[EVENTS_CSV]["rows"] == events:
        raise ValueError(f"row counts disagree: {EVENTS_NDJSON} {files[EVENTS_NDJSON]['rows']}, "
                         f"{EVENTS_CSV} {files[EVENTS_CSV]['rows']}, totals {events}")
    verification = manifest["verification"]
    if not isinstance(verification["heads"], dict) or type(manifest["position"]) is not int:
        raise ValueError("verification heads or position malformed")
    if verification["position"] != manifest["position"]:
        raise ValueError("the position differs from the verification's")
    if verification["ok"] is not True and verification.get("override") is not True:
        raise ValueError("verification failed and no override is recorded")
    return query, files


def _file_problems(path: Path, entry: Mapping[str, Any]) -> list[TrailProblem]:
    if not path.is_file():
        return [TrailProblem(path.name, "", "missing")]
    found: list[TrailProblem] = []
    sha256, size = sha256_of(path)
    if size != entry["bytes"]:
        found.append(TrailProblem(path.name, "", f"{size} bytes; the manifest says "
                                                 f"{entry['bytes']}"))
    if sha256 != entry["sha256"]:
        found.append(TrailProblem(path.name, "", "SHA-256 differs from the manifest's"))
    rows = _row_count(path)
    if rows != entry["rows"]:
        found.append(TrailProblem(path.name, "", f"{rows} rows; the manifest says "
                                                 f"{entry['rows']}"))
    return found


def _row_count(path: Path) -> int | None:
    try:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as table:
                return max(sum(1 for _ in csv.reader(table)) - 1, 0)
        if path.suffix == ".ndjson":
            return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line)
        json.loads(path.read_text(encoding="utf-8"))
        return 1
    except (ValueError, csv.Error):
        return None


def _ndjson_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[TrailProblem]]:
    if not path.is_file():
        return [], []
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[TrailProblem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except ValueError as error:
        return [], [TrailProblem(EVENTS_NDJSON, "", f"not UTF-8 text: {error}")]
    for number, row, problem in read_rows(iter(lines)):
        if row is None:
            problems.append(TrailProblem(EVENTS_NDJSON, f"row {number}", str(problem)))
        else:
            rows.append((number, row))
    return rows, problems


def _csv_problems(path: Path, rows: list[dict[str, Any]]) -> list[TrailProblem]:
    """``events.csv`` must be ``events.ndjson`` as a table, row for row: the same cells,
    with text that a spreadsheet would run as a formula apostrophed (or, in a trail
    written before that was done, as it is)."""
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as table:
            cells = list(csv.reader(table))
    except (ValueError, csv.Error) as error:
        return [TrailProblem(EVENTS_CSV, "", f"not readable as CSV: {error}")]
    if not cells or tuple(cells[0]) != FIELDS:
        return [TrailProblem(EVENTS_CSV, "row 0", "the header is not the trail's columns")]
    for number, (line, row) in enumerate(zip(cells[1:], rows, strict=False), start=1):
        if line not in (csv_row(row), csv_row(row, spreadsheet_safe=False)):
            return [TrailProblem(EVENTS_CSV, f"row {number}",
                                 f"differs from row {number} of {EVENTS_NDJSON}")]
    if len(cells) - 1 != len(rows):
        return [TrailProblem(EVENTS_CSV, "", f"{len(cells) - 1} rows; {EVENTS_NDJSON} has "
                                             f"{len(rows)}")]
    return []
