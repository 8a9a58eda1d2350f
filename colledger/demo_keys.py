"""One API key per role for the local demo, kept in ``var/demo-keys.json``.

Keys are stored hashed and shown only once, so the demo keeps its own plaintext
copies in a local file (mode 600, never committed) to print them on every start.
Missing or revoked ones are made again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from api.keys import KeyStore

DEMO_ACTORS = {
    "agent": "agent-1",
    "manager": "manager-1",
    "auditor": "auditor-1",
    "compliance": "compliance-1",
    "service": "erp",
    "admin": "admin-1",
    "cashier": "cashier-1",
}


def ensure_demo_keys(keys: KeyStore, path: Path) -> dict[str, tuple[str, str]]:
    """Return role -> (actor id, key), creating what is missing."""
    known: dict[str, list[str]] = json.loads(path.read_text()) if path.exists() else {}
    result: dict[str, tuple[str, str]] = {}
    for role, actor in DEMO_ACTORS.items():
        saved = known.get(role)
        if saved and keys.caller(saved[1]) is not None:
            result[role] = (saved[0], saved[1])
            continue
        _, key = keys.create(role, actor)
        result[role] = (actor, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({r: list(v) for r, v in result.items()}, indent=2))
    os.chmod(path, 0o600)
    return result
