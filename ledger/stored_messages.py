"""The message of a stored event, made from its stored row without building the event.

The relay publishes every event of the log. Turning each row into its event object
(`Mapper.to_domain_event`) only to reduce it again to JSON types (`ledger.canonical.plain`)
was most of the relay's own time (bench/RESULTS.md, target 4). The stored JSON already holds
each value in a form that maps one to one onto its canonical text: amounts and dates as the
very strings the envelope carries, UUIDs as hex, times as ISO text, value objects as their
fields. So the stored state is read once straight into JSON types, and the envelope is
assembled from it (`ledger.event_messages.assembled`): the same bytes `event_message` makes
of the event the store would return, stored digest included, never recomputed.

A row this shortcut cannot read the same way goes the general way, so which path made a
message never shows in it: a ciphered or compressed store, an older type version (upcasters
work on decoded events), a chained event with no stored digest, a value of a type not
listed here. tests/unit/test_stored_messages.py compares both paths on the demo log and on
arbitrary events of every type.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from ledger.aggregates.digests import DIGEST, Digested
from ledger.canonical import utc_text
from ledger.event_messages import EventMessage, assembled, event_message, message_of
from ledger.transcodings import STATE_CLASSES

# (aggregate id, stored state in JSON types) -> the account's number, if known.
Numbers = Callable[[UUID, Mapping[str, Any]], str | None]


class _General(Exception):
    """This row is for the general path."""


def _hex_uuid(data: str) -> str:
    return str(UUID(data))


def _iso_time(data: str) -> str:
    """`utc_text` of the stored time; a UTC time of a four-digit year (all but freaks)
    is rewritten as text, the same characters `utc_text` writes."""
    if data.endswith("+00:00") and data[0] != "0":
        if len(data) == 32:  # YYYY-MM-DDTHH:MM:SS.ffffff+00:00
            return data[:26] + "Z"
        if len(data) == 25:  # YYYY-MM-DDTHH:MM:SS+00:00: no fraction written
            return data[:19] + ".000000Z"
    return utc_text(datetime.fromisoformat(data))


def _as_is(data: Any) -> Any:
    return data


def _fields_of(cls: type) -> Callable[[Any], Any]:
    """A value object's fields as stored, if they are all its fields: one stored before a
    field was added gets that field's default from the general path."""
    names = frozenset(f.name for f in dataclasses.fields(cls))

    def fields(data: Any) -> Any:
        if not isinstance(data, dict) or data.keys() != names:
            raise _General
        return data

    return fields


CANONICAL: dict[str, Callable[[Any], Any]] = {
    "uuid_hex": _hex_uuid,
    "decimal_str": _as_is,  # str(Decimal(text)) == text for every text str(Decimal) wrote
    "datetime_iso": _iso_time,
    "date": _as_is,
    **{name: _fields_of(cls) for name, cls in STATE_CLASSES.items()},
}
"""Stored transcoding name -> the canonical text (`ledger.canonical.plain`) of its data."""


def _canonical(obj: dict[str, Any]) -> Any:
    """`JSONTranscoder`'s object hook, writing JSON types instead of Python values."""
    if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
        to_text = CANONICAL.get(obj["_type_"])
        if to_text is None:
            raise _General
        return to_text(obj["_data_"])
    return obj


def _no_float(_: str) -> Any:
    raise _General  # the general path refuses floats, so this one must not write them


_DECODER = json.JSONDecoder(object_hook=_canonical, parse_float=_no_float)


def stored_message(
    mapper: Mapper[UUID], stored: StoredEvent, position: int, numbers: Numbers
) -> EventMessage:
    """What `event_message` makes of ``mapper.to_domain_event(stored)`` at ``position``,
    with the account number ``numbers`` knows."""
    try:
        return _shortcut(mapper, stored, position, numbers)
    except Exception:  # noqa: BLE001 - the general path gives the message, or the real error
        event = mapper.to_domain_event(stored)
        number = numbers(event.originator_id, vars(event))
        return event_message(event, position, account_number=number)  # type: ignore[arg-type]


def _shortcut(
    mapper: Mapper[UUID], stored: StoredEvent, position: int, numbers: Numbers
) -> EventMessage:
    if mapper.cipher is not None or mapper.compressor is not None:
        raise _General
    cls = _class_of(stored.topic)
    state = _DECODER.decode(bytes(stored.state).decode("utf-8"))
    if not isinstance(state, dict) or "class_version" in state:
        raise _General
    aggregate_id = stored.originator_id
    if not isinstance(aggregate_id, UUID):
        raise _General
    envelope = assembled(
        cls, aggregate_id, stored.originator_version, position, state,
        number=numbers(aggregate_id, state), digest=_digest(cls, state))
    return message_of(envelope)


@cache
def _class_of(topic: str) -> type:
    """The event class of a stored topic, if its rows are read as stored (type version 1)."""
    cls: type = resolve_topic(topic)
    if getattr(cls, "class_version", 1) != 1:
        raise _General
    return cls


def _digest(cls: type, state: Mapping[str, Any]) -> str | None:
    """The stored digest of a chained event; None if the event is not chained."""
    if issubclass(cls, Digested):
        digest = state.get(DIGEST)
        if not isinstance(digest, str):
            raise _General
        return digest
    if "prev_hash" in state:
        raise _General  # chained outside the ledger's aggregates: its hash is computed
    return None
