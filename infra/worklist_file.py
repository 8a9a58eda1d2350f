"""Reading the worklist weights file (TOML, `COLLEDGER_WORKLIST_POLICY_FILE`) at start-up.

A file that cannot be read or does not validate stops the ledger from starting with
`WorklistFileInvalid`, whose message names the file and the key, e.g.
``config/worklist.toml: overdue_per_unit[2]: String should match pattern ...``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from infra.dunning_file import where
from ledger.projections.worklist_policy import WorklistDocument

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "worklist.toml"


class WorklistFileInvalid(ValueError):
    """The worklist weights file is missing, not TOML, or not valid weights."""


def load_worklist_file(path: Path) -> WorklistDocument:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise WorklistFileInvalid(f"{path}: {error}") from error
    try:
        return WorklistDocument.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{where(raw, e['loc'])}: {e['msg']}" for e in error.errors())
        raise WorklistFileInvalid(f"{path}: {problems}") from error
