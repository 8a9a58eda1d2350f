"""The FastAPI application: routers, and domain errors mapped to HTTP."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routers import accounts
from ledger.aggregates.errors import InvalidInput, LedgerError, NotFound
from ledger.service import LedgerService


def status_for(error: LedgerError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    return 409


def create_app(service: LedgerService) -> FastAPI:
    app = FastAPI(title="Collections ledger", version="0.1.0")
    app.state.service = service
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
