"""Logging for the served API: every logger, uvicorn's included, as JSON lines.

Uvicorn is started with ``log_config=None`` and without its own access log, so its
messages reach the root handler configured here and each request is logged once,
by `api.access_log`, with its route, actor and correlation id.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from api.access_log import JsonFormatter

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
