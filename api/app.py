"""The FastAPI application: wiring only. Routes live in `api/routers/`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import access_log, correlation, problems, workspace
from api.auth_throttle import FailedAuthentications
from api.routers import ROUTERS
from api.strict_json import StrictJsonBodies
from infra.bootstrap import Ledger


def create_app(
    ledger: Ledger,
    follow: bool = True,
    background: Sequence[Callable[[], Callable[[], None]]] = (),
    failed_authentications: FailedAuthentications | None = None,
) -> FastAPI:
    """The API on a ledger from `infra.bootstrap.bootstrap`. With ``follow``, the read
    models keep up inside this process (the embedded setup), unless Kafka workers keep
    them (``COLLEDGER_READ_MODELS_FED_BY=kafka``).

    ``background`` starts other workers for the app's lifetime (``ledger.background()``:
    the Kafka relay, when configured); each starter returns the function that stops it.
    ``failed_authentications`` throttles wrong keys (default: the ledger's settings).
    """
    models = ledger.read_models

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = models.start_following() if follow else None
        stop_workers = [start() for start in background]
        try:
            yield
        finally:
            for stop_worker in reversed(stop_workers):
                stop_worker()
            if stop is not None:
                stop()

    app = FastAPI(
        title="Collections ledger",
        version="0.1.0",
        description="Event-sourced accounts-receivable collections ledger.",
        lifespan=lifespan,
    )
    app.state.service = ledger.service
    app.state.read_models = models
    app.state.keys = ledger.keys
    app.state.daily_loop = ledger.daily_loop
    app.state.failed_authentications = (
        FailedAuthentications(ledger.settings.auth_failures_per_minute)
        if failed_authentications is None else failed_authentications
    )
    app.add_middleware(StrictJsonBodies)
    correlation.install(app)
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    workspace.install(app, ledger.settings)
    access_log.install(app)
    return app
