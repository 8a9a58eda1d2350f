"""An account's events as the account page's timeline shows them: who, when (the recorded
UTC time, also in the account's local time), why, and the link in the hash chain.

The records are the API's own history (`api.history_pages.account_records`, what
``GET /accounts/{account}/history`` returns); this only picks out what a person reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

WHY_FIELDS = ("reason", "reason_code", "note", "description", "outcome")
"""Payload fields that say why, in the order shown."""
SHORT = 10


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    kind: str
    effective_on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str
    why: list[tuple[str, str]]
    hash: str
    prev_hash: str

    @property
    def short_hash(self) -> str:
        return self.hash[:SHORT]

    @property
    def short_prev_hash(self) -> str:
        return self.prev_hash[:SHORT]


def entry(record: dict[str, Any]) -> TimelineEntry:
    payload = record.get("payload") or {}
    why = [(field.replace("_", " "), str(payload[field]))
           for field in WHY_FIELDS if payload.get(field) not in (None, "")]
    return TimelineEntry(
        version=record["version"], kind=words(record["type"]),
        effective_on=date.fromisoformat(str(record["effective_on"])),
        recorded_at=datetime.fromisoformat(str(record["recorded_at"])),
        actor_id=record["actor_id"], actor_role=record["actor_role"], why=why,
        hash=record["hash"], prev_hash=record["prev_hash"],
    )


def timeline(records: Iterable[dict[str, Any]]) -> list[TimelineEntry]:
    """Every event, oldest first (the chain's order)."""
    return [entry(record) for record in records]


def words(event_type: str) -> str:
    """``PromiseToPayMade`` -> ``Promise to pay made``."""
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", event_type)
    return spaced[:1] + spaced[1:].lower()
