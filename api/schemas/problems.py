"""The problem document (RFC 9457) every error answers with, as clients see it in OpenAPI.

Routes declare their error statuses with ``problem_responses(401, 404, ...)``; the
schema then says, for every error of every route, that the body is a ``Problem`` sent
as ``application/problem+json`` (``documented_as_problems``), because that is what
``api.problems`` actually sends, whichever route and whichever error. A route that
needs a key may also answer 429 (``api.auth_throttle``), so it is documented wherever
401 is.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
REF = "#/components/schemas/{model}"

MEANINGS = {
    400: "The body could not be read as JSON text",
    401: "No valid API key (X-API-Key or Authorization: Bearer)",
    403: "The caller's role, or the account's assignment, does not allow this",
    404: "No such account (or other named thing)",
    409: "A ledger rule refuses this command",
    410: "What was asked needs personal data that has been erased",
    412: "If-Match names another version of the account than the current one",
    422: "The request is malformed, or the command's input is invalid",
    429: "Too many wrong API keys from this address: no key is checked until Retry-After",
    503: "The read models have not reached the requested position yet; retry",
}

THROTTLED = {"description": MEANINGS[429], "headers": {"Retry-After": {
    "description": "seconds until the address may authenticate again",
    "schema": {"type": "integer"},
}}}


class ProblemField(BaseModel):
    """One field at fault in a request that does not match its schema."""

    field: str = Field(examples=["body.amount"])
    message: str = Field(examples=["Input should be greater than 0"])
    type: str = Field(examples=["greater_than"])


class Problem(BaseModel):
    """``type`` is stable per rule, so clients branch on it rather than on ``detail``."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "urn:colledger:problem:allocation-exceeds-outstanding",
        "title": "RuleViolation", "status": 409,
        "detail": "INV-2026-0042 has 450.00 outstanding; 800.00 cannot be allocated to it",
        "rule_id": "allocation-exceeds-outstanding",
    }]})

    type: str = Field(description="urn:colledger:problem:<rule>")
    title: str
    status: int
    detail: str
    rule_id: str | None = Field(default=None, description="the domain rule, when one refused")
    errors: list[ProblemField] | None = Field(
        default=None, description="with validation errors: each field at fault"
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status documented as a problem, with its meaning."""
    return {
        status: {"model": Problem, "description": MEANINGS.get(status, "Problem")}
        for status in statuses
    }


def documented_as_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx/5xx response of every operation described as a problem document.

    FastAPI would otherwise document error bodies as plain JSON (or its own
    validation-error shape), which is not what the API sends, and leave out the 400
    it sends itself for a body that is not decodable text.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template=REF)
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:  # FastAPI's answer to a body it cannot decode
                responses.setdefault("400", {"description": MEANINGS[400]})
            if "401" in responses:  # the key check that answers 401 also throttles
                responses.setdefault("429", {**THROTTLED})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = content
    for unused in ("HTTPValidationError", "ValidationError"):
        if not _referenced(schema, REF.format(model=unused)):
            components.pop(unused, None)
    return schema


def _referenced(schema: dict[str, Any], ref: str) -> bool:
    def mentions(node: Any) -> bool:
        if isinstance(node, dict):
            return node.get("$ref") == ref or any(mentions(v) for v in node.values())
        if isinstance(node, list):
            return any(mentions(v) for v in node)
        return False

    return mentions(schema)
