"""Reading a policy file (TOML) at start-up: the dunning policy, the worklist weights.

A file that cannot be read or does not validate stops the ledger from starting, with a
message naming the file and each field at fault, every list item named by its ``name``
where it has one: ``config/dunning.toml: segments.default.levels[2] (final_notice).channel:
Input should be 'email', 'letter' or 'call_task'``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class PolicyFileInvalid(ValueError):
    """A policy file is missing, not TOML, or not a valid policy of its kind."""


def load_policy_file(path: Path, model: type[M], invalid: type[PolicyFileInvalid]) -> M:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise invalid(f"{path}: {error}") from error
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{where(raw, e['loc'])}: {e['msg']}" for e in error.errors())
        raise invalid(f"{path}: {problems}") from error


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
