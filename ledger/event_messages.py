"""The wire form of a stored event: the envelope downstream consumers read.

Pure functions, no I/O: the relay reads events from the store and sends what
`event_message` returns; Kafka projection workers turn a message back into the
same event object with `event_from_message`. The envelope is the canonical
JSON (ledger.canonical), so amounts are exact strings, and it carries the
event's hash (the digest stored with it) so a consumer can check the chain without
the ledger. Re-publishing
an event yields a byte-identical message (same event id, same bytes), which is
what makes at-least-once delivery safe to de-duplicate. See docs/events.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from hashlib import sha1
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent
from pydantic import TypeAdapter, ValidationError

from ledger.aggregates.digests import DIGEST, Digested
from ledger.aggregates.envelope import ENVELOPE, NOT_PAYLOAD
from ledger.canonical import event_digest, plain, utc_text
from ledger.event_types import event_classes, type_name, type_version

SCHEMA = "collections.events.v1"
EVENT_ID_NAMESPACE = UUID("0b6c7e4e-5a0f-4d55-9e1c-7d3f2a9c1e80")
ENVELOPE_KEYS = frozenset(
    {
        "schema", "event_id", "type", "type_version", "account_id", "account_number",
        "aggregate_id", "aggregate_topic", "version", "position", "effective_on", "recorded_at",
        "actor", "command_id", "correlation_id", "prev_hash", "hash", "payload",
    }
)  # fmt: skip

__all__ = [
    "SCHEMA",
    "EventMessage",
    "UnreadableEvent",
    "envelope_of",
    "event_from_message",
    "event_id_of",
    "event_message",
]


class UnreadableEvent(ValueError):
    """A message that is not a well-formed event of a type this code knows."""


@dataclass(frozen=True)
class EventMessage:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def event_id_of(aggregate_id: UUID, version: int) -> UUID:
    """The same stored event always gets the same id, however often it is published."""
    return uuid5(EVENT_ID_NAMESPACE, f"{aggregate_id}:{version}")


_NAMESPACE_BYTES = EVENT_ID_NAMESPACE.bytes


def event_id_text(aggregate_id: str, version: int) -> str:
    """``str(event_id_of(...))`` of the account's id as text, without building UUIDs:
    every published message names one (RFC 4122 version 5, as `uuid.uuid5` makes it)."""
    digest = bytearray(sha1(_NAMESPACE_BYTES + f"{aggregate_id}:{version}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@cache
def field_names(cls: type) -> frozenset[str]:
    """The fields an event class declares, its bases' included."""
    return frozenset(f.name for f in dataclasses.fields(cls))


@cache
def event_adapter(cls: type) -> TypeAdapter[Any]:
    """Reads (and describes, `ledger.event_schemas`) an event from its JSON form, by the
    types its class declares."""
    return TypeAdapter(cls)


def is_account_class(cls: type) -> bool:
    """Account events carry the full envelope (business date, actor, chain)."""
    return {"effective_on", "prev_hash"} <= field_names(cls)


def event_hash(event: DomainEvent) -> str | None:
    """The event's digest as its successor's ``prev_hash`` names it; None if it is unchained.

    The ledger's chained events store theirs (`ledger.aggregates.digests`); only an event
    of some other aggregate chained by ``prev_hash`` gets one computed here."""
    if isinstance(event, Digested):
        return event.digest
    state = vars(event)
    if "prev_hash" not in state:
        return None
    return event_digest(
        stream_id=event.originator_id,
        version=event.originator_version,
        event_type=type(event).__name__,
        payload={k: v for k, v in state.items() if k not in NOT_PAYLOAD},
        recorded_at=event.timestamp,
        prev_hash=state["prev_hash"],
    )


def opened_number(event: object) -> str | None:
    """The account number an account's creation event carries (later events do not)."""
    return number_in(vars(event))


def number_in(state: Mapping[str, Any]) -> str | None:
    """`opened_number` of an event's state, as the event holds it or as it is stored."""
    number = state.get("number") if "originator_topic" in state else None
    return number if isinstance(number, str) else None


def envelope_of(
    event: DomainEvent, position: int, *, account_number: str | None = None
) -> dict[str, Any]:
    """The JSON-able envelope of ``event``, whose id in the notification log is ``position``.

    ``account_id`` is the account's id (the aggregate UUID) for account events and
    None for ledger-level aggregates; ``account_number`` is the human number when
    the event carries it (``AccountOpened``) or the caller knows it.
    """
    number = account_number if account_number is not None else opened_number(event)
    envelope = assembled(
        type(event), event.originator_id, event.originator_version, position, vars(event),
        number=number, digest=event_hash(event))
    result: dict[str, Any] = plain(envelope)
    return result


def assembled(
    cls: type, aggregate_id: UUID, version: int, position: int, state: Mapping[str, Any],
    *, number: str | None, digest: str | None,
) -> dict[str, Any]:
    """The envelope's fields, from an event's class, place and state: the one statement of
    what goes where, for an event object (`envelope_of`) and for a stored row
    (`ledger.stored_messages`, whose state is already in JSON types)."""
    name, version_of_type, account = class_facts(cls)
    recorded_at = state["timestamp"]
    aggregate = str(aggregate_id)
    return {
        "schema": SCHEMA,
        "event_id": event_id_text(aggregate, version),
        "type": name,
        "type_version": version_of_type,
        "account_id": aggregate if account else None,
        "account_number": number if account else None,
        "aggregate_id": aggregate,
        "aggregate_topic": state.get("originator_topic"),
        "version": version,
        "position": position,
        "effective_on": state.get("effective_on"),
        "recorded_at": recorded_at if isinstance(recorded_at, str) else utc_text(recorded_at),
        "actor": {"id": state.get("actor_id"), "role": state.get("actor_role")},
        "command_id": state.get("command_id"),
        "correlation_id": state.get("correlation_id"),
        "prev_hash": state.get("prev_hash"),
        "hash": digest,
        "payload": {
            k: v for k, v in state.items() if k not in NOT_PAYLOAD and k not in ENVELOPE
        },
    }


@cache
def class_facts(cls: type) -> tuple[str, int, bool]:
    """An event class's type name, type version, and whether it is an account event."""
    return type_name(cls), type_version(cls), is_account_class(cls)


def event_message(
    event: DomainEvent, position: int, *, account_number: str | None = None
) -> EventMessage:
    return message_of(envelope_of(event, position, account_number=account_number))


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def message_of(envelope: Mapping[str, Any]) -> EventMessage:
    """The Kafka record of an envelope already in JSON types: key, value, headers."""
    value = _ENCODER.encode(envelope)
    headers = [
        ("event-type", envelope["type"].encode()),
        ("event-id", envelope["event_id"].encode()),
        ("event-version", str(envelope["type_version"]).encode()),
        ("account-version", str(envelope["version"]).encode()),
        ("schema", SCHEMA.encode()),
        ("content-type", b"application/json"),
    ]
    return EventMessage(
        key=envelope["aggregate_id"].encode(), value=value.encode(), headers=headers
    )


def event_from_message(value: bytes) -> DomainEvent:
    """The event the message was made from, equal to the one the store returns.

    Payload fields this code does not know are dropped rather than refused: within
    a type version fields are only ever added, so older code can still read newer
    messages (see docs/events.md).
    """
    try:
        envelope = json.loads(value.decode("utf-8"), parse_float=_refuse_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableEvent(f"not a JSON event envelope: {error}") from None
    if not isinstance(envelope, dict):
        raise UnreadableEvent("the envelope must be a JSON object")
    _check_envelope(envelope)
    cls = event_classes().get(envelope["type"])
    if cls is None:
        raise UnreadableEvent(f"unknown event type {envelope['type']!r}")
    state = _stored_state(envelope, cls)
    known = type_version(cls)
    found = envelope["type_version"]
    if not isinstance(found, int) or isinstance(found, bool) or not 1 <= found <= known:
        raise UnreadableEvent(f"{envelope['type']} version {found!r}: this code knows 1..{known}")
    for step in range(found, known):
        getattr(cls, f"upcast_v{step}_v{step + 1}")(state)
    state.update(originator_id=envelope["aggregate_id"], originator_version=envelope["version"])
    try:
        event: DomainEvent = event_adapter(cls).validate_json(json.dumps(state), strict=True)
    except ValidationError as error:
        raise UnreadableEvent(_reason(envelope["type"], error)) from None
    for name, value in vars(event).items():
        object.__setattr__(event, name, _as_stored(value, f"{envelope['type']}.{name}"))
    if isinstance(event, Digested):
        vars(event)[DIGEST] = _stored_digest(envelope)
    return event


EXPECTED = {"date": "date", "datetime": "datetime", "uuid": "UUID", "int": "int", "bool": "bool",
            "string": "str"}


def _reason(type_name: str, error: ValidationError) -> str:
    """The first thing wrong with a message, in words."""
    problems = error.errors()
    missing = sorted(str(p["loc"][0]) for p in problems if p["type"] == "missing")
    if missing:
        return f"{type_name} is missing {missing}"
    problem = problems[0]
    where = ".".join([type_name, *map(str, problem["loc"])])
    expected = EXPECTED.get(problem["type"].split("_")[0])
    if expected is None:
        return f"{where}: {problem.get('ctx', {}).get('error', problem['msg'])}"
    if problem["input"] is None:
        return f"{where}: null where {expected} is required"
    return f"{where}: {problem['input']!r} is not a {expected}"


def _as_stored(value: Any, where: str) -> Any:
    """A value as the event store gives it back: arrays as lists, enumerations as their
    values, times in UTC (and a time without its offset refused)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise UnreadableEvent(f"{where}: {value.isoformat()!r} must carry a UTC offset")
        return value.astimezone(UTC)
    return value


def _stored_digest(envelope: dict[str, Any]) -> str:
    """A chained event's ``hash`` is the digest the ledger stored with it: kept, not recomputed."""
    digest = envelope["hash"]
    if not isinstance(digest, str) or len(digest) != 64 or digest.strip("0123456789abcdef"):
        raise UnreadableEvent(f"{envelope['type']} needs its hash, 64 lower-case hex digits")
    return digest


def _refuse_float(text: str) -> Any:
    raise UnreadableEvent(f"floats are never used in events (found {text})")


def _check_envelope(envelope: dict[str, Any]) -> None:
    missing = sorted(ENVELOPE_KEYS - set(envelope))
    if missing:
        raise UnreadableEvent(f"envelope lacks {missing}")
    if envelope["schema"] != SCHEMA:
        raise UnreadableEvent(f"envelope schema {envelope['schema']!r} is not {SCHEMA}")
    for key, kind in (("type", str), ("version", int), ("payload", dict), ("actor", dict)):
        if type(envelope[key]) is not kind:
            raise UnreadableEvent(f"envelope {key} must be a {kind.__name__}")


def _stored_state(envelope: dict[str, Any], cls: type) -> dict[str, Any]:
    """The attributes as the store holds them, before typing: envelope fields put back."""
    hints = field_names(cls)
    state: dict[str, Any] = dict(envelope["payload"])
    actor = envelope["actor"]
    for name, value in (
        ("timestamp", envelope["recorded_at"]),
        ("effective_on", envelope["effective_on"]),
        ("actor_id", actor.get("id")),
        ("actor_role", actor.get("role")),
        ("command_id", envelope["command_id"]),
        ("correlation_id", envelope["correlation_id"]),
        ("prev_hash", envelope["prev_hash"]),
        ("originator_topic", envelope["aggregate_topic"]),
    ):
        if value is not None or name in hints and name != "originator_topic":
            state[name] = value
    return state
