"""Verification reports and checkpoints as the API returns them (docs/audit.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

BreakKind = Literal[
    "payload-changed", "event-missing", "order-changed", "tail-truncated", "stream-deleted",
    "digest-mismatch",
]
DIGEST_EXAMPLE = "9f2c" + "0" * 60


class BreakOut(BaseModel):
    """The first broken link of one account (``checkpoints`` for the checkpoint stream)."""

    account_id: str
    version: int | None
    kind: BreakKind
    detail: str


class CheckpointSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 3, "position": 30000, "digest": DIGEST_EXAMPLE,
        "recorded_at": "2026-02-10T09:00:00.000000Z", "accounts": 812, "events": 29944,
    }]})

    id: int
    position: int
    digest: str
    recorded_at: str
    accounts: int
    events: int


class VerificationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "ok": False,
        "summary": "BROKEN: 1 broken chain(s) in 812 accounts, 30120 events read (position "
                   "30125, against checkpoint #3 at position 30000)\n  ACC-0042 v7 "
                   "payload-changed: digest of v7 no longer matches the prev_hash stored in v8",
        "accounts": 812, "events": 30120, "head_digest": DIGEST_EXAMPLE, "position": 30125,
        "checkpoint": CheckpointSummary.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
        "heads": {"ACC-0001": DIGEST_EXAMPLE},
        "breaks": [{"account_id": "ACC-0042", "version": 7, "kind": "payload-changed",
                    "detail": "digest of v7 no longer matches the prev_hash stored in v8"}],
    }]})

    ok: bool
    summary: str
    accounts: int
    events: int
    head_digest: str
    position: int
    checkpoint: CheckpointSummary | None
    heads: dict[str, str]
    breaks: list[BreakOut]


class HeadOut(BaseModel):
    version: int
    digest: str


class CheckpointExport(CheckpointSummary):
    """The whole checkpoint, heads included: keep it outside the database, verify against it
    with ``colledger verify --against FILE``."""

    kind: Literal["colledger-checkpoint"]
    recorded_by: str
    event_digest: str
    heads: dict[str, HeadOut]
