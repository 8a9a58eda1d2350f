"""The dunning policy file (TOML, `COLLEDGER_DUNNING_POLICY_FILE`), read at start-up
(`infra.policy_file`): `DunningFileInvalid` names the file, the segment, the level (by its
name) and the field."""

from __future__ import annotations

from pathlib import Path

from infra.policy_file import PolicyFileInvalid, load_policy_file
from ledger.aggregates.dunning_policy import DunningDocument

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "dunning.toml"


class DunningFileInvalid(PolicyFileInvalid):
    """The dunning policy file is missing, not TOML, or not a valid policy."""


def load_dunning_file(path: Path) -> DunningDocument:
    return load_policy_file(path, DunningDocument, DunningFileInvalid)
