"""Request bodies for commands, and what a write returns.

A command's request body is the command without what the HTTP layer supplies: the
account (from the path), the command id (from ``Idempotency-Key``), the expected
version (from ``If-Match``) and the correlation id (from ``X-Correlation-Id``). The
bodies are generated from the command models so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from ledger.commands.base import Command

SUPPLIED_BY_HTTP = {"account", "command_id", "correlation_id", "expected_version"}


def request_body(command: type[Command], example: dict[str, Any]) -> type[BaseModel]:
    dated = {"effective_on"} if command.dated_by else set()
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in command.model_fields.items()
        if name not in SUPPLIED_BY_HTTP | dated
    }
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"{command.__name__}Request",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [example]}),
        __doc__=command.__doc__ or f"Body of {command.__name__}.",
        **fields,
    )
    return model


class CommandAccepted(BaseModel):
    """What a write returns: enough to read your own write and to make the next one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "command_id": "agent-1:7f0c...", "account": "ACC-00001",
        "account_id": "6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11", "version": 12,
        "position": 4711, "events": ["PaymentReceived", "PaymentAllocated"],
    }]})

    command_id: str
    account: str
    account_id: str
    version: int
    position: int | None
    events: list[str]


WRITE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {"description": 'the account\'s version after the write, e.g. "v12" (for If-Match)',
             "schema": {"type": "string"}},
    "X-Ledger-Position": {"description": "the write's log position, to read it with wait_for",
                          "schema": {"type": "integer"}},
    "Idempotent-Replayed": {
        "description": "sent only on a retry with an earlier request's Idempotency-Key: the "
                       "response is that request's, byte for byte, and nothing was written",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


def accepted_response() -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a write's 201: a replay differs from the original in a header only,
    so a client that compares or caches bodies sees the same answer twice."""
    return {201: {"description": "The command was carried out (or had been, for a replay)",
                  "headers": WRITE_HEADERS}}
