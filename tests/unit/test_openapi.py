"""The API's contract: the committed openapi.json is the live one, and it is complete
enough for a client to be written from it alone (summaries, examples, documented errors)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from api.openapi_export import COMMITTED, live_schema, rendered
from api.schemas.problems import PROBLEM_MEDIA_TYPE

PROBLEM_REF = "#/components/schemas/Problem"
ERROR_STATUSES = ("401", "403", "404", "409", "412", "422")
Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return live_schema()


def operations(schema: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    found: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return resolved(schema, found)


def needs_key(operation: dict[str, Any]) -> bool:
    return any(p["name"] == "x-api-key" for p in operation.get("parameters", []))


def test_committed_openapi_json_is_the_live_schema(schema: dict[str, Any]) -> None:
    assert COMMITTED.exists(), "openapi.json is missing: run make openapi"
    committed = COMMITTED.read_text(encoding="utf-8")
    stale = sorted(
        f"{method} {path}"
        for method, path, operation in operations(schema)
        if json.loads(committed)["paths"].get(path, {}).get(method.lower()) != operation
    )
    assert committed == rendered(json.loads(json.dumps(schema))), (
        f"openapi.json differs from the live schema (first operations: {stale[:5]}): "
        "run make openapi"
    )


def test_every_operation_has_a_summary_and_an_operation_id(schema: dict[str, Any]) -> None:
    missing = [f"{m} {p}" for m, p, op in operations(schema)
               if not op.get("summary") or not op.get("operationId")]
    assert missing == []


def test_every_request_body_has_an_example(schema: dict[str, Any]) -> None:
    bodies = 0
    without = []
    for method, path, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        bodies += 1
        for media in operation["requestBody"]["content"].values():
            body_schema = resolved(schema, media["schema"])
            if not (media.get("example") or media.get("examples") or body_schema.get("examples")):
                without.append(f"{method} {path}")
    assert bodies >= 25, "every command has a write route with a body"
    assert without == []


def test_every_error_response_is_a_problem_document(schema: dict[str, Any]) -> None:
    wrong = [
        f"{method} {path} {status}"
        for method, path, operation in operations(schema)
        for status, response in operation["responses"].items()
        if status[0] in "45"
        and response.get("content") != {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    ]
    assert wrong == []
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_routes_with_a_body_document_the_400_for_an_undecodable_one(
    schema: dict[str, Any],
) -> None:
    with_body = [(m, p, op) for m, p, op in operations(schema) if "requestBody" in op]
    assert [f"{m} {p}" for m, p, op in with_body if "400" not in op["responses"]] == []


def test_routes_that_need_a_key_document_401_403_and_422(schema: dict[str, Any]) -> None:
    keyed = [(m, p, op) for m, p, op in operations(schema) if needs_key(op)]
    missing = [f"{m} {p}" for m, p, op in keyed
               if not {"401", "403", "422"} <= set(op["responses"])]
    assert len(keyed) >= 30
    assert missing == []


def test_routes_that_need_a_key_document_the_429_for_a_throttled_address(
    schema: dict[str, Any],
) -> None:
    keyed = [(m, p, op) for m, p, op in operations(schema) if needs_key(op)]
    missing = [f"{m} {p}" for m, p, op in keyed
               if "Retry-After" not in op["responses"].get("429", {}).get("headers", {})]
    public = [f"{m} {p}" for m, p, op in operations(schema)
              if not needs_key(op) and "429" in op["responses"]]
    assert missing == []
    assert public == []


def test_write_routes_document_every_error_a_command_can_end_in(schema: dict[str, Any]) -> None:
    writes = [(p, op) for m, p, op in operations(schema)
              if m == "POST" and p.startswith("/accounts/{account}/")]
    missing = {p: sorted(set(ERROR_STATUSES) - set(op["responses"])) for p, op in writes
               if not set(ERROR_STATUSES) <= set(op["responses"])}
    assert len(writes) >= 25
    assert missing == {}


def test_writes_document_their_headers_and_a_body_without_a_replay_marker(
    schema: dict[str, Any],
) -> None:
    writes = [op for m, p, op in operations(schema)
              if m == "POST" and (p == "/accounts" or p.startswith("/accounts/{account}/"))]
    undocumented = [op["operationId"] for op in writes
                    if set(op["responses"]["201"].get("headers", {}))
                    != {"ETag", "X-Ledger-Position", "Idempotent-Replayed"}]
    assert len(writes) >= 26
    assert undocumented == []
    assert "replayed" not in schema["components"]["schemas"]["CommandAccepted"]["properties"]


def test_public_operations_need_no_key(schema: dict[str, Any]) -> None:
    public = {p for m, p, op in operations(schema) if not needs_key(op)}
    assert {"/healthz", "/readyz", "/metrics"} <= public
    assert not any(p.startswith(("/accounts", "/aging", "/audit", "/keys")) for p in public)
