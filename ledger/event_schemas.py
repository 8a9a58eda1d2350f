"""JSON Schemas of the published envelope, one per event type and version.

Generated from the event classes' declarations by pydantic (the adapter that
also reads messages, `ledger.event_messages.event_adapter`), never written by
hand, so the schemas cannot drift from what `ledger.event_messages` publishes: a
test regenerates them and compares with the committed files. ``python -m
ledger.event_schemas`` (``make schemas``) writes them under
``schemas/collections.events.v1/<Type>.v<N>.json``. Files of older type versions
are history and are never deleted or rewritten.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from ledger.aggregates.digests import Digested
from ledger.aggregates.envelope import ENVELOPE, NOT_PAYLOAD
from ledger.canonical import UTC_TEXT_PATTERN
from ledger.event_messages import SCHEMA, event_adapter, is_account_class
from ledger.event_types import published_classes, type_name, type_version

SCHEMAS_ROOT = Path(__file__).resolve().parent.parent / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
TIMESTAMP = {"type": "string", "format": "date-time", "pattern": UTC_TEXT_PATTERN}
UUID_TEXT = {
    "type": "string",
    "format": "uuid",
    "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}
HASH = {"type": "string", "pattern": r"^[0-9a-f]{64}$"}
NULL = {"type": "null"}


class CanonicalForm(GenerateJsonSchema):
    """pydantic's JSON Schema of a type, for values in their canonical JSON form
    (`ledger.canonical.plain`): exact decimal strings, UTC timestamps with microseconds,
    enumerations as their plain values, value objects as closed objects without titles."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> dict[str, Any]:
        return dict(DECIMAL)

    def date_schema(self, schema: core_schema.DateSchema) -> dict[str, Any]:
        return dict(DATE)

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> dict[str, Any]:
        return dict(TIMESTAMP)

    def uuid_schema(self, schema: core_schema.UuidSchema) -> dict[str, Any]:
        return dict(UUID_TEXT)

    def enum_schema(self, schema: core_schema.EnumSchema) -> dict[str, Any]:
        return {"type": "integer" if schema.get("sub_type") == "int" else "string"}

    def dataclass_schema(self, schema: core_schema.DataclassSchema) -> dict[str, Any]:
        fields = super().dataclass_schema(schema)
        return object_schema(fields["properties"])

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def fields_schema(cls: type) -> dict[str, dict[str, Any]]:
    """Field name -> JSON Schema of its value, for every field ``cls`` declares."""
    generated = event_adapter(cls).json_schema(mode="serialization", schema_generator=CanonicalForm)
    definitions = generated.get("$defs", {})

    def inline(value: Any) -> Any:
        if isinstance(value, dict) and "$ref" in value:
            named = definitions[value["$ref"].rsplit("/", 1)[1]]
            return inline({k: v for k, v in named.items() if k != "title"})
        if isinstance(value, dict):
            return {k: inline(v) for k, v in value.items()}
        return [inline(v) for v in value] if isinstance(value, list) else value

    properties: dict[str, dict[str, Any]] = inline(generated["properties"])
    return properties


def object_schema(properties: dict[str, Any], optional: frozenset[str] = frozenset()
                  ) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(set(properties) - optional),
        "properties": properties,
    }


def defaulted_fields(cls: type) -> frozenset[str]:
    """Fields added to a type version with a default: events stored before them lack them
    (their stored, hashed content is never rewritten), so their messages may too."""
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if f.default is not dataclasses.MISSING
                     or f.default_factory is not dataclasses.MISSING)


def event_schema(cls: type) -> dict[str, Any]:
    """The envelope of one event class at its current ``class_version``."""
    fields = fields_schema(cls)
    account = is_account_class(cls)
    chained = "prev_hash" in fields or issubclass(cls, Digested)

    def envelope_field(name: str) -> dict[str, Any]:
        return fields.get(name, NULL)

    payload = {k: v for k, v in fields.items() if k not in NOT_PAYLOAD | set(ENVELOPE)}
    name, version = type_name(cls), type_version(cls)
    properties = {
        "schema": {"const": SCHEMA},
        "event_id": UUID_TEXT,
        "type": {"const": name},
        "type_version": {"const": version},
        "account_id": UUID_TEXT if account else NULL,
        "account_number": {"type": ["string", "null"]} if account else NULL,
        "aggregate_id": UUID_TEXT,
        "aggregate_topic": envelope_field("originator_topic"),
        "version": {"type": "integer", "minimum": 1},
        "position": {"type": "integer", "minimum": 1},
        "effective_on": envelope_field("effective_on"),
        "recorded_at": TIMESTAMP,
        "actor": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "role"],
            "properties": {
                "id": envelope_field("actor_id"),
                "role": envelope_field("actor_role"),
            },
        },
        "command_id": envelope_field("command_id"),
        "correlation_id": envelope_field("correlation_id"),
        "prev_hash": HASH if "prev_hash" in fields else NULL,
        "hash": HASH if chained else NULL,
        "payload": object_schema(payload, optional=defaulted_fields(cls)),
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


TYPE_KEYWORDS = ("type", "format", "pattern", "const", "enum")


def field_types(schema: Mapping[str, Any], path: str = "") -> dict[str, str]:
    """Every field of a schema by its path (``payload.allocations[].amount``), with the type
    a consumer relies on (JSON type, format, pattern, constant; each option of a union)."""
    options = schema.get("anyOf", [schema])
    found = {path: " | ".join(sorted(
        json.dumps({k: o[k] for k in TYPE_KEYWORDS if k in o}, sort_keys=True) for o in options
    ))}
    for option in options:
        for name, child in option.get("properties", {}).items():
            found |= field_types(child, f"{path}.{name}" if path else name)
        for keyword, suffix in (("items", "[]"), ("additionalProperties", "{}")):
            if isinstance(option.get(keyword), dict):
                found |= field_types(option[keyword], path + suffix)
    return found


def incompatibilities(committed: Mapping[str, Any], generated: Mapping[str, Any]) -> list[str]:
    """The fields ``generated`` removes, renames or retypes: what a type version never does
    (docs/events.md, *Compatibility*); fields it adds are fine."""
    now = field_types(generated)
    return [f"{path or 'the envelope'}: {kind} -> {now.get(path, 'gone')}"
            for path, kind in field_types(committed).items() if now.get(path) != kind]


class IncompatibleSchema(ValueError):
    """Regenerating a committed schema would break its consumers: raise ``class_version``."""


def write_schemas(root: Path = SCHEMAS_ROOT) -> list[Path]:
    """Write the schemas that are missing or differ; return the files written. A schema
    whose fields would be removed, renamed or retyped is refused, not rewritten."""
    written = []
    for path, text in generated_schemas(root).items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if path.exists():
            broken = incompatibilities(json.loads(path.read_text(encoding="utf-8")),
                                       json.loads(text))
            if broken:
                raise IncompatibleSchema(f"{path.name}: {broken}: a breaking change needs a "
                                         "new class_version and upcaster (docs/events.md)")
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
