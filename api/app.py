"""The FastAPI application: routers, and domain errors mapped to HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routers import accounts
from ledger.aggregates.errors import InvalidInput, LedgerError, NotFound
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService


def status_for(error: LedgerError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    return 409


def create_app(
    service: LedgerService, read_models: ReadModels | None = None, follow: bool = True
) -> FastAPI:
    """With ``follow``, the read models keep up inside this process (the embedded setup)."""
    models = read_models or ReadModels(service.app)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = models.runner.start_background() if follow else None
        try:
            yield
        finally:
            if stop is not None:
                stop()

    app = FastAPI(title="Collections ledger", version="0.1.0", lifespan=lifespan)
    app.state.service = service
    app.state.read_models = models
    app.include_router(accounts.router)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    @app.exception_handler(LedgerError)
    def ledger_error(_: Request, error: LedgerError) -> JSONResponse:
        status = status_for(error)
        return JSONResponse(
            status_code=status,
            media_type="application/problem+json",
            content={
                "type": f"urn:colledger:problem:{error.rule()}",
                "title": type(error).__name__,
                "status": status,
                "detail": error.message,
            },
        )

    return app
