"""The FastAPI application: wiring only. Routes live in `api/routers/`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import access_log, correlation, problems
from api.auth_throttle import FailedAuthentications
from api.keys import KeyStore
from api.routers import discovered_routers
from api.strict_json import StrictJsonBodies
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService


def create_app(
    service: LedgerService,
    read_models: ReadModels | None = None,
    keys: KeyStore | None = None,
    follow: bool = True,
    background: Sequence[Callable[[], Callable[[], None]]] = (),
    failed_authentications: FailedAuthentications | None = None,
) -> FastAPI:
    """With ``follow``, the read models keep up inside this process (the embedded setup).

    ``background`` starts other workers for the app's lifetime (the Kafka relay, when
    configured); each starter returns the function that stops it.
    ``failed_authentications`` throttles wrong keys (default: 20 a minute per address).
    """
    models = read_models or ReadModels(
        service.app, contact_policies=service.policies.contact, clock=service.clock
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = models.runner.start_background() if follow else None
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
    app.state.service = service
    app.state.read_models = models
    app.state.keys = keys or KeyStore(service.app, service.clock)
    app.state.failed_authentications = (
        FailedAuthentications() if failed_authentications is None else failed_authentications
    )
    app.add_middleware(StrictJsonBodies)
    correlation.install(app)
    problems.install(app)
    for router in discovered_routers():
        app.include_router(router)
    access_log.install(app)
    return app
