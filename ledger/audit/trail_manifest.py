"""The manifest of a regulatory trail: what each file must hash to, and what was exported.

``manifest.json`` lists every file with its SHA-256, size and row count, the query,
the log position exported up to, the verification the export was made against
(its result, the checkpoint, and the head of every account in the trail), and who
exported it when, and (only when verification was overridden) the stored
events that no longer decode and so are not in the files. It cannot hold its
own hash; the ledger's ``TrailExported`` event does, so a trail can be matched
with the export that made it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "colledger-trail"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS_NDJSON = "events.ndjson"
EVENTS_CSV = "events.csv"
ACCOUNT_JSON = "account.json"
"""An account trail's account as the ledger knows it at the export (balances, aging)."""

VERIFICATION_FIELDS = ("ok", "override", "summary", "accounts", "events", "head_digest",
                       "position", "checkpoint", "heads", "breaks")


@dataclass(frozen=True)
class FileEntry:
    name: str
    sha256: str
    bytes: int
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "bytes": self.bytes, "rows": self.rows}


def sha256_of(path: Path) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def file_entry(path: Path, rows: int) -> FileEntry:
    sha256, size = sha256_of(path)
    return FileEntry(path.name, sha256, size, rows)


def manifest_document(
    *,
    query: Mapping[str, Any],
    position: int,
    exported_at: str,
    actor_id: str,
    actor_role: str,
    verification: Mapping[str, Any],
    files: list[FileEntry],
    accounts: int,
    events: int,
    unreadable: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "query": dict(query),
        "position": position,
        "exported_at": exported_at,
        "exported_by": {"actor_id": actor_id, "role": actor_role},
        "verification": {k: verification[k] for k in VERIFICATION_FIELDS},
        "files": [f.as_dict() for f in files],
        "totals": {"accounts": accounts, "events": events},
        "unreadable": list(unreadable),
    }


def manifest_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
