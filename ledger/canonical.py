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
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64
UTC_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""How a UTC time is written wherever it is hashed or published: always six fractional digits."""
_DIGITS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%f": 6}
UTC_TEXT_PATTERN = "^" + "".join(
    f"[0-9]{{{_DIGITS[part]}}}" if part in _DIGITS else part.replace(".", r"\.")
    for part in re.findall(r"%.|.", UTC_TEXT_FORMAT)
) + "$"
"""`UTC_TEXT_FORMAT` as a regular expression (the published JSON Schemas' timestamps)."""


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("recorded times must be timezone-aware (UTC)")
    return moment.astimezone(UTC).strftime(UTC_TEXT_FORMAT)


def from_utc_text(text: str) -> datetime:
    """The UTC time `utc_text` wrote; ValueError for any other text."""
    return datetime.strptime(text, UTC_TEXT_FORMAT).replace(tzinfo=UTC)


def plain(value: Any) -> Any:
    """Reduce a value to JSON types, deterministically.

    Every event digest walks its event through here, so the common types are looked up by
    their exact type first (`_EXACT`); subclasses and the rest take the general chain,
    which is the definition."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    exact = _EXACT.get(kind)
    if exact is not None:
        return exact(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(kind)}
    return _plain_in_general(value)


def _plain_in_general(value: Any) -> Any:
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


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_EXACT: dict[type, Callable[[Any], Any]] = {
    Decimal: str,
    datetime: utc_text,
    date: date.isoformat,
    UUID: str,
    dict: lambda value: {str(k): plain(v) for k, v in value.items()},
    list: lambda value: [plain(v) for v in value],
    tuple: lambda value: [plain(v) for v in value],
}


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
    """An account event's digest (docs/canonical-encoding.md): what a consumer recomputes."""
    document = {
        "stream_id": stream_id,
        "version": version,
        "type": event_type,
        "payload": payload,
        "recorded_at": recorded_at,
        "prev_hash": prev_hash,
    }
    return document_digest(document)


def document_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of an event's canonical document: every event digest is computed here.

    Events store their digest when they are recorded (`ledger.aggregates.digests`), so
    only verification calls this for an event read back from the store.
    """
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
