"""Dependencies injected into routes: the ledger, the read models (and their KPI reads),
the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from api import metrics
from api.auth_throttle import FailedAuthentications
from api.keys import Caller, KeyStore
from ledger.cash.application import CashApplication
from ledger.projections.kpi_trend import KpiReads, kpi_reads
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService


def get_service(request: Request) -> LedgerService:
    service: LedgerService = request.app.state.service
    return service


def get_cash(request: Request) -> CashApplication:
    """Cash application over the app's ledger: imports, matching, returns."""
    return CashApplication(get_service(request))


def get_read_models(request: Request) -> ReadModels:
    models: ReadModels = request.app.state.read_models
    return models


def get_kpi_reads(request: Request) -> KpiReads:
    """The KPI reads of the app's read models: one per process, so requests share the
    closed months it keeps."""
    return kpi_reads(get_read_models(request))


def get_caller(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="API key")] = None,
    authorization: Annotated[str | None, Header(description="Bearer API key")] = None,
) -> Caller:
    """401 without a valid key; 429 from an address that sent too many wrong ones."""
    key = x_api_key
    if key is None and authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    caller = authenticate(request, key)
    request.state.caller = caller
    return caller


def authenticate(request: Request, key: str | None) -> Caller:
    """The holder of ``key``, counting a wrong one against the client's address: the API's
    headers and the workspace's sign-in form go through this one check and throttle.
    Raises 401 (no or wrong key) or 429 (too many wrong keys from this address)."""
    throttle: FailedAuthentications = request.app.state.failed_authentications
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(address)
    if wait is not None:
        metrics.FAILED_AUTHENTICATIONS.labels("throttled").inc()
        raise HTTPException(
            429, f"too many wrong API keys from this address: no key is checked for {wait}s",
            headers={"Retry-After": str(wait)},
        )
    keys: KeyStore = request.app.state.keys
    caller = keys.caller(key) if key else None
    if caller is None:
        if key:
            throttle.failed(address)
            metrics.FAILED_AUTHENTICATIONS.labels("wrong_key").inc()
        raise HTTPException(401, "a valid API key is required (X-API-Key or Bearer)",
                            headers={"WWW-Authenticate": "Bearer"})
    return caller


def correlation_id(request: Request) -> str:
    return str(request.state.correlation_id)


ServiceDep = Annotated[LedgerService, Depends(get_service)]
ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]
CashDep = Annotated[CashApplication, Depends(get_cash)]
KpiReadsDep = Annotated[KpiReads, Depends(get_kpi_reads)]
CallerDep = Annotated[Caller, Depends(get_caller)]
CorrelationDep = Annotated[str, Depends(correlation_id)]
