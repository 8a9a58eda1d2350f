"""Correlation ids: accepted from ``X-Correlation-Id``, made up when absent, echoed back,
stamped on every event a request writes and on every log line it causes."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from uuid import uuid4

from fastapi import FastAPI, Request, Response

HEADER = "X-Correlation-Id"
ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get(HEADER, "")
        request.state.correlation_id = given if ACCEPTABLE.match(given) else str(uuid4())
        response = await call_next(request)
        response.headers[HEADER] = request.state.correlation_id
        return response
