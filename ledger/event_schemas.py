"""JSON Schemas of the published envelope, one per event type and version.

Generated from the event classes' annotations, never written by hand, so the
schemas cannot drift from what `ledger.event_messages` publishes: a test
regenerates them and compares with the committed files. ``python -m
ledger.event_schemas`` (``make schemas``) writes them under
``schemas/collections.events.v1/<Type>.v<N>.json``. Files of older type versions
are history and are never deleted or rewritten.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Union
from uuid import UUID

from ledger.aggregates.envelope import NOT_PAYLOAD
from ledger.event_decoding import attribute_types
from ledger.event_messages import ENVELOPE_ATTRIBUTES, SCHEMA, is_account_class
from ledger.event_types import published_classes, type_name, type_version

SCHEMAS_ROOT = Path(__file__).resolve().parent.parent / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$",
}
UUID_TEXT = {
    "type": "string",
    "format": "uuid",
    "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}
HASH = {"type": "string", "pattern": r"^[0-9a-f]{64}$"}
NULL = {"type": "null"}
SCALARS: dict[type, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    Decimal: DECIMAL,
    datetime: TIMESTAMP,
    date: DATE,
    UUID: UUID_TEXT,
}


def value_schema(hint: Any) -> dict[str, Any]:
    """The JSON Schema of a value of type ``hint`` in its canonical JSON form."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is type(None):
        return dict(NULL)
    if origin in (Union, types.UnionType):
        options = [value_schema(a) for a in args]
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (tuple, list, Sequence, typing.get_origin(Sequence[int])):
        if origin is tuple and args and args[-1] is not Ellipsis:
            items = [value_schema(a) for a in args]
            return {"type": "array", "prefixItems": items, "items": False}
        return {"type": "array", "items": value_schema(args[0]) if args else {}}
    if origin in (dict, Mapping, typing.get_origin(Mapping[str, int])):
        values = value_schema(args[1]) if len(args) == 2 else {}
        return {"type": "object", "additionalProperties": values}
    if isinstance(hint, type) and hint in SCALARS:
        return dict(SCALARS[hint])
    if isinstance(hint, type) and issubclass(hint, (str, int)) and hint is not bool:
        return dict(SCALARS[str if issubclass(hint, str) else int])
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return object_schema(
            {f.name: attribute_types(hint).get(f.name, Any) for f in dataclasses.fields(hint)}
        )
    return {}


def object_schema(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(fields),
        "properties": {name: value_schema(hint) for name, hint in sorted(fields.items())},
    }


def event_schema(cls: type) -> dict[str, Any]:
    """The envelope of one event class at its current ``class_version``."""
    hints = attribute_types(cls)
    account = is_account_class(cls)
    chained = "prev_hash" in hints or callable(getattr(cls, "digest", None))

    def envelope_field(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return schema if name in hints else dict(NULL)

    payload = {k: v for k, v in hints.items() if k not in NOT_PAYLOAD | set(ENVELOPE_ATTRIBUTES)}
    name, version = type_name(cls), type_version(cls)
    properties = {
        "schema": {"const": SCHEMA},
        "event_id": UUID_TEXT,
        "type": {"const": name},
        "type_version": {"const": version},
        "account_id": UUID_TEXT if account else NULL,
        "account_number": {"type": ["string", "null"]} if account else NULL,
        "aggregate_id": UUID_TEXT,
        "aggregate_topic": envelope_field("originator_topic", {"type": "string"}),
        "version": {"type": "integer", "minimum": 1},
        "position": {"type": "integer", "minimum": 1},
        "effective_on": envelope_field("effective_on", DATE),
        "recorded_at": TIMESTAMP,
        "actor": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "role"],
            "properties": {
                "id": envelope_field("actor_id", {"type": "string"}),
                "role": envelope_field("actor_role", {"type": "string"}),
            },
        },
        "command_id": envelope_field("command_id", {"type": "string"}),
        "correlation_id": envelope_field("correlation_id", {"type": "string"}),
        "prev_hash": envelope_field("prev_hash", HASH),
        "hash": HASH if chained else NULL,
        "payload": object_schema(payload),
    }
    return {
        "$schema": DRAFT,
        "$id": f"urn:colledger:{SCHEMA}:{name}:v{version}",
        "title": f"{name} v{version}",
        "description": f"A {name} event (type version {version}) in the {SCHEMA} envelope.",
        "type": "object",
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


def schema_path(name: str, version: int, root: Path = SCHEMAS_ROOT) -> Path:
    return root / SCHEMA / f"{name}.v{version}.json"


def committed_schema(envelope: Mapping[str, Any], root: Path = SCHEMAS_ROOT) -> dict[str, Any]:
    """The committed schema a message's envelope must satisfy (by its type and version)."""
    path = schema_path(str(envelope["type"]), int(envelope["type_version"]), root)
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generated_schemas(root: Path = SCHEMAS_ROOT) -> dict[Path, str]:
    """Path -> file text, for every published event class at its current version."""
    return {
        schema_path(name, type_version(cls), root): schema_text(event_schema(cls))
        for name, cls in published_classes().items()
    }


def write_schemas(root: Path = SCHEMAS_ROOT) -> list[Path]:
    """Write the schemas that are missing or differ; return the files written."""
    written = []
    for path, text in generated_schemas(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main() -> int:
    written = write_schemas()
    for path in written:
        print(f"wrote {path.relative_to(SCHEMAS_ROOT.parent)}")
    print(f"{len(generated_schemas())} event schemas up to date in schemas/{SCHEMA}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
