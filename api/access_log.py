"""One JSON log line per request, and its latency in the metrics.

A line says what was asked (method, route template, path), by whom (the caller's
actor and role, once authenticated), how it ended (status) and how long it took,
with the correlation id that also stamps the events the request wrote: one id
finds a request's log line, its metrics and its effects in the ledger.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response

from api import metrics

log = logging.getLogger("api.access")
RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message", "asctime", "color_message",  # uvicorn's message again, with terminal colours
}


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, and its extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((k, v) for k, v in vars(record).items() if k not in RECORD_FIELDS)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def route_of(request: Request) -> str:
    """The route's template (``/accounts/{account}``), so metrics don't split per id."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def access(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics.observe_request(request.method, route, status, seconds)
            caller = getattr(request.state, "caller", None)
            log.info(
                "%s %s %s", request.method, request.url.path, status,
                extra={
                    "method": request.method, "route": route, "path": request.url.path,
                    "status": status, "duration_ms": round(seconds * 1000, 3),
                    "correlation_id": getattr(request.state, "correlation_id", None),
                    "actor": getattr(caller, "actor_id", None),
                    "role": getattr(caller, "role", None),
                },
            )
