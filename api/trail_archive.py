"""A regulatory trail as one ZIP: what ``POST /audit/trails`` answers and the workspace's
audit page downloads, made in one place so the two cannot differ.

The trail is built in a temporary directory by the same code as ``colledger trail`` and
recorded as a ``TrailExported`` event with the caller's actor, role and correlation id,
so who looked at what is itself on the record. It reads the event store, never the read
models. Who may export is decided here too (``TRAIL_EXPORTERS``).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from api.keys import Caller
from api.permissions import AUDITOR, COMPLIANCE, forbid
from ledger.audit.trail import export_trail
from ledger.audit.trail_query import TrailQuery
from ledger.commands.base import Actor
from ledger.service import LedgerService

TRAIL_EXPORTERS = frozenset({COMPLIANCE, AUDITOR})
ZIP = "application/zip"


@dataclass(frozen=True)
class TrailArchive:
    content: bytes
    filename: str
    manifest_sha256: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Disposition": f'attachment; filename="{self.filename}"',
                "X-Trail-Manifest-SHA256": self.manifest_sha256}


def check_exporter(caller: Caller) -> None:
    """403 unless the caller may export a trail (compliance, auditors)."""
    if caller.role not in TRAIL_EXPORTERS:
        raise forbid(caller, "export a regulatory trail")


def trail_archive(service: LedgerService, query: TrailQuery, caller: Caller,
                  correlation_id: str, *, override: bool = False) -> TrailArchive:
    """Verify the ledger, export the trail of ``query`` and zip its files and manifest.
    Raises the ledger's errors (`LedgerDoesNotVerify`, `AccountNotFound`) as they are."""
    with TemporaryDirectory(prefix="colledger-trail-") as scratch:
        made = export_trail(
            service.app, query, Path(scratch) / "trail", Actor(caller.actor_id, caller.role),
            service.clock, override=override, correlation_id=correlation_id,
            account_view=service.account_as_of,
        )
        content = io.BytesIO()
        with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(made.directory.iterdir()):
                archive.write(path, arcname=path.name)
    name = "trail-" + "-".join(query.as_dict().values()).replace("/", "_") + ".zip"
    return TrailArchive(content.getvalue(), name, made.manifest_sha256)
