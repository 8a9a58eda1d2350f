"""RFC 9457 problem details for every error the API returns.

Each domain rule has a stable problem ``type`` (its rule name under a fixed URN), so
clients can branch on it; validation errors list the fields at fault; nothing ever
leaks a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.schemas.problems import documented_as_problems
from ledger.aggregates.errors import (
    InvalidInput,
    LedgerError,
    NotFound,
    PersonalDataErased,
    VersionMismatch,
)

PROBLEM = "application/problem+json"
TYPE_PREFIX = "urn:colledger:problem:"
log = logging.getLogger("api")


def problem(
    status: int, rule: str, title: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {"type": TYPE_PREFIX + rule, "title": title, "status": status, "detail": detail}
    return JSONResponse(status_code=status, content={**body, **extra}, media_type=PROBLEM)


def status_for(error: LedgerError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, VersionMismatch):
        return 412
    if isinstance(error, PersonalDataErased):
        return 410
    return 409


def install(app: FastAPI) -> None:
    document(app)

    @app.exception_handler(LedgerError)
    def ledger_error(_: Request, error: LedgerError) -> JSONResponse:
        extra = {"rule_id": error.rule_id} if hasattr(error, "rule_id") else {}
        return problem(status_for(error), error.rule(), type(error).__name__, error.message,
                       **extra)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors()
        ]
        return problem(422, "validation-error", "Invalid request",
                       "the request does not match its schema", errors=fields)

    @app.exception_handler(HTTPException)
    def http_error(_: Request, error: HTTPException) -> JSONResponse:
        rule = {401: "unauthenticated", 403: "forbidden", 404: "not-found",
                405: "method-not-allowed", 406: "not-acceptable",
                412: "precondition-failed", 429: "too-many-failed-authentications",
                503: "service-unavailable"}.get(error.status_code, "http-error")
        response = problem(error.status_code, rule, rule.replace("-", " ").capitalize(),
                           str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path,
                  exc_info=error)
        return problem(500, "internal-error", "Internal error",
                       "the ledger could not complete the request; nothing was written")


def document(app: FastAPI) -> None:
    """The OpenAPI schema says what the handlers above send: a problem for every error."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = documented_as_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
