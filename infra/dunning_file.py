"""Reading the dunning policy file (TOML, `COLLEDGER_DUNNING_POLICY_FILE`) at start-up.

A file that cannot be read or does not validate stops the ledger from starting with
`DunningFileInvalid`, whose message names the file, the segment, the level (by its
name) and the field, e.g. ``config/dunning.toml: segments.default.levels[2]
(final_notice).channel: Input should be 'email', 'letter' or 'call_task'``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ledger.aggregates.dunning_policy import DunningDocument

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "dunning.toml"


class DunningFileInvalid(ValueError):
    """The dunning policy file is missing, not TOML, or not a valid policy."""


def load_dunning_file(path: Path) -> DunningDocument:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DunningFileInvalid(f"{path}: {error}") from error
    try:
        return DunningDocument.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{where(raw, e['loc'])}: {e['msg']}" for e in error.errors())
        raise DunningFileInvalid(f"{path}: {problems}") from error


def where(raw: Any, loc: tuple[Any, ...]) -> str:
    """The field's path, each level named by its ``name`` where it has one."""
    text, node = "", raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        node = node[part] if _has(node, part) else None
        if isinstance(part, int) and isinstance(node, dict) and "name" in node:
            text += f" ({node['name']})"
    return text or "(document)"


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
