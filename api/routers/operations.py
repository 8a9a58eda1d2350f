"""Operability: liveness, readiness and Prometheus metrics. No key needed: these are
for load balancers and scrapers, and they tell nothing about any account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api import metrics
from api.deps import ReadModelsDep, ServiceDep
from api.problems import problem
from api.schemas.operations import Health, QuarantineSummary, Readiness

MAX_LAG = 1000

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, operation_id="Healthz")
def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, operation_id="Readyz",
            response_model_exclude_none=True,
            responses={503: {"description": "not ready, with the reason"}})
def readyz(request: Request, service: ServiceDep, models: ReadModelsDep) -> Any:
    """Readiness: the store answers and the read models are at most MAX_LAG events behind.

    Quarantined accounts make it ``degraded``, still 200: every other account is served
    right, and a 503 would take every instance out of the balancer for one account.
    """
    max_lag = int(getattr(request.app.state, "max_projection_lag", MAX_LAG))
    try:
        position = service.app.recorder.max_notification_id() or 0
        read_side = models.status()
    except Exception as error:  # noqa: BLE001 - any failure to answer means not ready
        return problem(503, "not-ready", "Not ready", f"the event store does not answer: "
                       f"{type(error).__name__}", reason="store-unreachable")
    lag = max((p.lag for p in read_side.projections), default=0)
    if lag > max_lag:
        return problem(503, "not-ready", "Not ready",
                       f"the read models are {lag} events behind (at most {max_lag})",
                       reason="projection-lag", lag=lag, max_lag=max_lag)
    quarantined = [
        QuarantineSummary(projection=p.name, accounts=p.quarantined_accounts,
                          first_position=p.first_quarantined_at)
        for p in read_side.projections if p.first_quarantined_at is not None
    ]
    return Readiness(status="degraded" if quarantined else "ready", position=position,
                     lag=lag, max_lag=max_lag, quarantined=quarantined or None)


@router.get("/metrics", operation_id="Metrics", response_class=Response,
            responses={200: {"content": {metrics.CONTENT_TYPE: {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition"}})
def prometheus_metrics(request: Request, models: ReadModelsDep) -> Response:
    """Prometheus metrics: request latency, commands by outcome, projection lag, the last
    day ticked per portfolio."""
    loop = getattr(request.app.state, "daily_loop", None)
    return Response(metrics.scrape(models, loop.days if loop else None),
                    media_type=metrics.CONTENT_TYPE)


ROUTERS = [router]
