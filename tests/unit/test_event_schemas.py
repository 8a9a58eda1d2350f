"""The committed JSON Schemas describe exactly what the ledger publishes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError

from ledger.event_messages import SCHEMA, envelope_of, event_from_message, event_message
from ledger.event_schemas import (
    SCHEMAS_ROOT,
    IncompatibleSchema,
    committed_schema,
    generated_schemas,
    incompatibilities,
    schema_text,
    write_schemas,
)
from ledger.event_types import published_classes
from tests.unit.event_samples import demo_log, events_of


@cache
def validator(name: str, version: int) -> Draft202012Validator:
    schema = committed_schema({"type": name, "type_version": version})
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(envelope: dict[str, Any]) -> None:
    validator(envelope["type"], envelope["type_version"]).validate(envelope)


def test_committed_schemas_equal_freshly_generated_ones() -> None:
    stale = [
        str(path.relative_to(SCHEMAS_ROOT.parent))
        for path, text in generated_schemas().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"event schemas are out of date: run `make schemas` ({stale})"


def test_every_published_event_type_has_a_schema_and_every_schema_is_valid() -> None:
    files = sorted((SCHEMAS_ROOT / SCHEMA).glob("*.json"))
    assert {p.name.split(".v")[0] for p in files} >= set(published_classes())
    assert len(published_classes()) >= 35
    for path in files:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_regenerated_schemas_keep_every_committed_field_with_its_type() -> None:
    """Field by field (names and types) against the files consumers validate with."""
    broken = {
        path.name: incompatibilities(json.loads(path.read_text(encoding="utf-8")), json.loads(text))
        for path, text in generated_schemas().items()
        if path.exists()
    }
    assert {name: fields for name, fields in broken.items() if fields} == {}


Payload = dict[str, Any]


def nested_amount(payload: Payload) -> None:
    payload["allocations"]["items"]["properties"]["amount"] = {"type": "integer"}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda payload: payload.pop("payment_id"), "payload.payment_id: "),
        (lambda payload: payload.update(payment=payload.pop("payment_id")), "payload.payment_id: "),
        (lambda payload: payload.update(automatic={"type": "string"}), "payload.automatic: "),
        (nested_amount, "payload.allocations[].amount: "),
        (lambda payload: payload.update(allocations={"type": "object"}), "payload.allocations"),
    ],
    ids=["removed", "renamed", "retyped", "retyped-inside-a-value", "array-became-object"],
)
def test_a_removed_renamed_or_retyped_field_is_an_incompatibility(
    change: Callable[[Payload], object], named: str
) -> None:
    committed = committed_schema({"type": "PaymentAllocated", "type_version": 1})
    generated = copy.deepcopy(committed)
    change(generated["properties"]["payload"]["properties"])
    assert [b for b in incompatibilities(committed, generated) if b.startswith(named)]


def test_an_added_field_is_compatible() -> None:
    committed = committed_schema({"type": "PaymentAllocated", "type_version": 1})
    generated = copy.deepcopy(committed)
    generated["properties"]["payload"]["properties"]["channel"] = {"type": "string"}
    assert incompatibilities(committed, generated) == []


def test_make_schemas_refuses_to_rewrite_a_schema_incompatibly(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    path = tmp_path / SCHEMA / "InvoiceIssued.v1.json"
    published = json.loads(path.read_text(encoding="utf-8"))
    published["properties"]["payload"]["properties"]["amount"] = {"type": "number"}
    path.write_text(schema_text(published), encoding="utf-8")
    with pytest.raises(IncompatibleSchema, match="payload.amount"):
        write_schemas(tmp_path)


def test_writing_schemas_creates_one_file_per_type_and_version(tmp_path: Path) -> None:
    written = write_schemas(tmp_path)
    assert (tmp_path / SCHEMA / "InvoiceIssued.v1.json") in written
    assert write_schemas(tmp_path) == []


def test_every_message_of_a_realistic_history_validates_against_its_schema() -> None:
    seen = set()
    for position, event in demo_log().positioned:
        validate(json.loads(event_message(event, position).value))
        seen.add(type(event).__name__)
    assert len(seen) >= 20


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_any_event_of_any_type_validates_against_its_schema(data: st.DataObject) -> None:
    for cls in published_classes().values():
        event = data.draw(events_of(cls), label=cls.__name__)
        validate(json.loads(event_message(event, data.draw(st.integers(1, 2**53))).value))


def invoice_envelope() -> dict[str, Any]:
    position, event = next(
        (p, e) for p, e in demo_log().positioned if type(e).__name__ == "InvoiceIssued"
    )
    return envelope_of(event, position)


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        (None, "surprise", 1),
        ("payload", "surprise", 1),
        ("payload", "amount", 10.5),
        ("payload", "amount", "1e3"),
        ("payload", "due_date", "31/12/2025"),
        (None, "recorded_at", "2025-12-31T10:00:00+01:00"),
        (None, "type_version", 2),
        (None, "hash", "XYZ"),
        (None, "account_id", None),
        ("actor", "role", None),
    ],
)
def test_schemas_reject_what_the_ledger_never_sends(
    section: str | None, field: str, value: object
) -> None:
    envelope = invoice_envelope()
    validate(envelope)
    (envelope if section is None else envelope[section])[field] = value
    with pytest.raises(ValidationError):
        validator("InvoiceIssued", 1).validate(envelope)


def test_a_missing_payload_field_is_rejected() -> None:
    envelope = invoice_envelope()
    del envelope["payload"]["currency"]
    with pytest.raises(ValidationError, match="'currency' is a required property"):
        validate(envelope)


def test_the_example_message_in_docs_events_md_is_valid_and_readable() -> None:
    text = (SCHEMAS_ROOT.parent / "docs" / "events.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    validate(example)
    event = event_from_message(json.dumps(example).encode())
    assert type(event).__name__ == example["type"] == "PaymentAllocated"
    assert event.recomputed_digest() == example["hash"]  # type: ignore[attr-defined]
