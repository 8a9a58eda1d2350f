"""Exporting a regulatory trail: verify, write the files and their manifest, record who did it.

A trail is only worth handing over if it is the history that was recorded, so
the export verifies the ledger first (the account's chain, or every chain for a
period) and refuses when that fails, unless the caller overrides — which the
manifest and the export event then say. Events are read from the event store up
to the verified position, never from read models, so the trail and the
verification describe the same history; only an account trail's summary of the
account at the export date (``account.json``) is the account view, which the read
models give. See docs/audit.md, "Regulatory trails".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger.aggregates.account import AccountOpened, account_id_for
from ledger.aggregates.envelope import LedgerEvent
from ledger.aggregates.errors import InvalidCommand, LedgerError, RuleViolation
from ledger.aggregates.trail_exports import TRAIL_EXPORTS_ID, TrailExports
from ledger.application import LedgerApplication
from ledger.audit.report import VerificationReport
from ledger.audit.stored_streams import StoredRow, is_account_topic, stored_streams
from ledger.audit.trail_manifest import (
    ACCOUNT_JSON,
    EVENTS_CSV,
    EVENTS_NDJSON,
    MANIFEST,
    FileEntry,
    file_entry,
    manifest_bytes,
    manifest_document,
    sha256_of,
)
from ledger.audit.trail_query import TrailQuery
from ledger.audit.trail_records import FIELDS, csv_row, trail_record
from ledger.audit.trail_refusals import REFUSALS_CSV, REFUSALS_NDJSON, write_refusals
from ledger.audit.verification import verify_ledger
from ledger.canonical import utc_text
from ledger.commands.base import Actor
from ledger.projections.runner import ReadModelsBehind

AccountView = Callable[[str, date], dict[str, Any]]
"""The account as of a business date (`LedgerService.account_as_of`)."""


class LedgerDoesNotVerify(RuleViolation):
    """The ledger does not verify, so a trail exported from it would vouch for tampering."""

    def __init__(self, report: VerificationReport) -> None:
        super().__init__(
            "no trail exported: the ledger does not verify (an explicit override exports "
            f"anyway and says so in the manifest)\n{report.summary()}"
        )
        self.report = report


@dataclass(frozen=True)
class TrailExport:
    directory: Path
    manifest: dict[str, Any]
    manifest_sha256: str


@dataclass
class _Written:
    events: int = 0
    accounts: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    unreadable: list[dict[str, Any]] = field(default_factory=list)


def export_trail(
    app: LedgerApplication,
    query: TrailQuery,
    out: Path,
    actor: Actor,
    clock: Callable[[], datetime],
    *,
    override: bool = False,
    correlation_id: str | None = None,
    account_view: AccountView | None = None,
) -> TrailExport:
    """Write the trail into ``out`` (created; refused if it holds anything) and record
    the export. Raises LedgerDoesNotVerify (nothing written) unless ``override``.
    ``account_view`` (`LedgerService.account_as_of`) gives an account trail its
    ``account.json``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidCommand(f"{out} exists and is not an empty directory")
    report = verify_ledger(app, query.account)
    if not report.ok and not override:
        raise LedgerDoesNotVerify(report)
    exported_at = clock()
    out.mkdir(parents=True, exist_ok=True)
    written = _write_events(app, query, report.position, out)
    numbers = written.numbers if query.account is None else {query.account}
    refusals = write_refusals(app, query, numbers, report.position, out)
    files = [file_entry(out / EVENTS_NDJSON, written.events),
             file_entry(out / EVENTS_CSV, written.events),
             file_entry(out / REFUSALS_NDJSON, refusals),
             file_entry(out / REFUSALS_CSV, refusals)]
    account_file = _write_account(account_view, query, out, exported_at)
    if account_file is not None:
        files.append(account_file)
    included = sorted(written.accounts)
    verification = {
        **report.as_dict(),
        "override": override,
        "heads": {n: {"version": report.versions[n], "digest": report.heads[n]}
                  for n in included if n in report.heads},
    }
    document = manifest_document(
        query=query.as_dict(), position=report.position, exported_at=utc_text(exported_at),
        actor_id=actor.actor_id, actor_role=actor.role, verification=verification,
        files=files, accounts=len(included), events=written.events,
        unreadable=written.unreadable,
    )
    (out / MANIFEST).write_bytes(manifest_bytes(document))
    manifest_sha256, _ = sha256_of(out / MANIFEST)
    _record(app, clock, actor, correlation_id, query, report, written.events,
            manifest_sha256, files, override)
    return TrailExport(out, document, manifest_sha256)


def _write_events(app: LedgerApplication, query: TrailQuery, position: int, out: Path) -> _Written:
    only = account_id_for(query.account) if query.account is not None else None
    written = _Written()
    with (out / EVENTS_NDJSON).open("w", encoding="utf-8", newline="\n") as ndjson, \
            (out / EVENTS_CSV).open("w", encoding="utf-8", newline="") as table:
        rows_out = csv.writer(table)
        rows_out.writerow(FIELDS)
        for stream_id, rows in stored_streams(app, position, only):
            if not any(is_account_topic(r.topic) for r in rows):
                continue
            number = query.account or str(stream_id)
            for row in rows:
                event = _decoded(app, row)
                if event is None:
                    written.unreadable.append({"account_id": str(stream_id),
                                               "version": row.version})
                    continue
                if isinstance(event, AccountOpened):
                    number = event.number
                    written.numbers.add(number)
                if not query.includes(event.effective_on):
                    continue
                record = trail_record(event, number)
                ndjson.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
                rows_out.writerow(csv_row(record))
                written.events += 1
                written.accounts.add(number)
    return written


def _decoded(app: LedgerApplication, row: StoredRow) -> LedgerEvent | None:
    """The stored event, or None when it no longer decodes (only with an override, since
    verification reports such a row as a changed payload)."""
    try:
        event = app.mapper.to_domain_event(StoredEvent(
            originator_id=row.stream_id, originator_version=row.version, topic=row.topic,
            state=row.state))
    except Exception:  # noqa: BLE001 - an edited row may fail in any way
        return None
    return event if isinstance(event, LedgerEvent) else None


def _write_account(
    account_view: AccountView | None, query: TrailQuery, out: Path, exported_at: datetime
) -> FileEntry | None:
    """An account trail's account view at the export date (balances, open items, flags),
    from the read models brought up to the account's last event; left out when they
    cannot show it (the account quarantined there, e.g. after an overridden export of a
    chain that no longer loads). Without the contact: a trail carries no personal data
    in clear."""
    if query.account is None or account_view is None:
        return None
    try:
        view = account_view(query.account, exported_at.date())
    except (LedgerError, ReadModelsBehind):
        return None
    view.pop("contact", None)
    path = out / ACCOUNT_JSON
    path.write_text(json.dumps(view, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return file_entry(path, 1)


def _record(
    app: LedgerApplication, clock: Callable[[], datetime], actor: Actor,
    correlation_id: str | None, query: TrailQuery, report: VerificationReport, rows: int,
    manifest_sha256: str, files: list[FileEntry], override: bool,
) -> None:
    command_id = str(uuid4())
    for attempt in range(3):
        now = clock()
        try:
            exports: TrailExports = app.repository.get(TRAIL_EXPORTS_ID)
        except AggregateNotFoundError:
            exports = TrailExports.start(now)
        exports.record(
            at=now, actor_id=actor.actor_id, actor_role=actor.role, command_id=command_id,
            correlation_id=correlation_id or command_id, query=query.as_dict(),
            position=report.position, rows=rows, manifest_sha256=manifest_sha256,
            files={f.name: f.sha256 for f in files},
            verified=report.ok, override=override,
        )
        try:
            app.save(exports)
            return
        except IntegrityError:
            if attempt == 2:
                raise
