"""The worklist weights file (TOML, `COLLEDGER_WORKLIST_POLICY_FILE`), read at start-up
(`infra.policy_file`): `WorklistFileInvalid` names the file and the key, e.g.
``config/worklist.toml: overdue_per_unit[2]: String should match pattern ...``."""

from __future__ import annotations

from pathlib import Path

from infra.policy_file import PolicyFileInvalid, load_policy_file
from ledger.projections.worklist_policy import WorklistDocument

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "worklist.toml"


class WorklistFileInvalid(PolicyFileInvalid):
    """The worklist weights file is missing, not TOML, or not valid weights."""


def load_worklist_file(path: Path) -> WorklistDocument:
    return load_policy_file(path, WorklistDocument, WorklistFileInvalid)
