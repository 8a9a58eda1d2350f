"""The canonical encoding that event hashes are computed over.

Stable across Python versions and machines: plain JSON with sorted keys, no
whitespace, ASCII only; Decimals as their exact string, dates as ISO 8601,
timestamps as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, UUIDs in canonical hyphenated
form, tuples and lists alike as arrays, value objects as objects of their fields.
Nothing uses ``repr`` or float. See docs/canonical-encoding.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("recorded times must be timezone-aware (UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    """Reduce a value to JSON types, deterministically."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def event_digest(
    *,
    stream_id: UUID,
    version: int,
    event_type: str,
    payload: Mapping[str, Any],
    recorded_at: datetime,
    prev_hash: str,
) -> str:
    document = {
        "stream_id": stream_id,
        "version": version,
        "type": event_type,
        "payload": payload,
        "recorded_at": recorded_at,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
