"""An account's events as the account page's timeline shows them: who, when (the recorded
UTC time, also in the account's local time), why, and the link in the hash chain.

The records are the API's own history (`api.history_pages.account_records`, what
``GET /accounts/{account}/history`` returns) and the account's refused contacts
(`ledger.audit.refusal_records`, what ``GET /accounts/{account}/contact-refusals``
returns), merged by recorded time; this only picks out what a person reads. A refusal
is marked as one: it is evidence kept beside the account, not one of its events, so its
number and hash link are its compliance stream's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from heapq import merge
from typing import Any

WHY_FIELDS = ("reason", "reason_code", "note", "description", "outcome")
"""Payload fields that say why, in the order shown."""
REFUSED = "ContactRefused"
REFUSAL_FIELDS = ("rule", "reason", "channel", "purpose", "at")
"""A refusal's payload fields, in the order shown: the rule and its words first."""
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
    refusal: bool = False

    @property
    def short_hash(self) -> str:
        return self.hash[:SHORT]

    @property
    def short_prev_hash(self) -> str:
        return self.prev_hash[:SHORT]


def entry(record: dict[str, Any]) -> TimelineEntry:
    payload = record.get("payload") or {}
    refusal = record["type"] == REFUSED
    why = [(field.replace("_", " "), str(payload[field]))
           for field in (REFUSAL_FIELDS if refusal else WHY_FIELDS)
           if payload.get(field) not in (None, "")]
    return TimelineEntry(
        version=record["version"], kind=words(record["type"]),
        effective_on=date.fromisoformat(str(record["effective_on"])),
        recorded_at=datetime.fromisoformat(str(record["recorded_at"])),
        actor_id=record["actor_id"], actor_role=record["actor_role"], why=why,
        hash=record["hash"], prev_hash=record["prev_hash"], refusal=refusal,
    )


def timeline(
    records: Iterable[dict[str, Any]], refusals: Iterable[dict[str, Any]] = ()
) -> list[TimelineEntry]:
    """Every event and refusal, oldest first: each in its chain's order, the two merged by
    recorded time (never going backwards within either)."""
    entries = merge(map(entry, records), map(entry, refusals), key=lambda e: e.recorded_at)
    return list(entries)


def words(event_type: str) -> str:
    """``PromiseToPayMade`` -> ``Promise to pay made``."""
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", event_type)
    return spaced[:1] + spaced[1:].lower()
