"""FX rates: reference data imported from CSV or JSON and listed by date (docs/domain.md,
*Reporting currency*). Rates rank work and total a portfolio; they never change a ledger
amount, so importing them is not a command on an account."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CallerDep, ReadModelsDep
from api.permissions import ADMIN, MANAGER, READERS_OF_PORTFOLIO, SERVICE, check_read, forbid
from api.problems import problem
from api.schemas.fx_rates import REQUEST_BODY, FxRatePublic, FxRatesImported, FxRatesPublic
from ledger.commands.base import BusinessDate
from ledger.fx_rates import FxRates
from ledger.imports.fx_rates import RatesFile, parse_rates_csv, parse_rates_json
from ledger.imports.rows import RowError
from ledger.projections.read_models import ReadModels

IMPORTERS = frozenset({MANAGER, SERVICE, ADMIN})
READERS = READERS_OF_PORTFOLIO | IMPORTERS
RateDay = Annotated[BusinessDate | None, Query(alias="date", examples=["2026-03-02"],
                                               description="the rates' date (default: today)")]
MAX_BODY = 2_000_000
"""Bytes: about 40,000 rows, far more than a day's rates of every currency."""

router = APIRouter(prefix="/fx-rates", tags=["fx-rates"],
                   responses={401: {}, 403: {}, 413: {}, 415: {}, 422: {}})


def fx_rates_of(models: ReadModels) -> FxRates:
    """The rates sit beside the events (store branch), whatever the read side's database."""
    return FxRates(models.app.datastore.engine)


def get_fx_rates(request: Request) -> FxRates:
    return fx_rates_of(request.app.state.read_models)


FxRatesDep = Annotated[FxRates, Depends(get_fx_rates)]


@router.post("", response_model=FxRatesImported, operation_id="ImportFxRates",
             openapi_extra={"requestBody": REQUEST_BODY})
async def import_fx_rates(request: Request, caller: CallerDep, rates: FxRatesDep,
                          models: ReadModelsDep) -> Any:
    """Import rates (CSV or a JSON list); all or nothing, and the same rates again change
    nothing. Refused rows are answered 422 with their row numbers."""
    if caller.role not in IMPORTERS:
        raise forbid(caller, "import FX rates")
    body = await request.body()
    if len(body) > MAX_BODY:
        return problem(413, "body-too-large", "Body too large",
                       f"at most {MAX_BODY} bytes of rates per request")
    parsed = _parsed(request.headers.get("content-type", ""), body, caller.actor_id)
    if isinstance(parsed, str):
        return problem(415 if parsed.startswith("send") else 422, "fx-rates-unreadable",
                       "FX rates unreadable", parsed)
    result = rates.import_rates(parsed, models.clock())
    if result.errors:
        return problem(422, "fx-rates-refused", "FX rates refused",
                       f"{len(result.errors)} problem(s); nothing was imported",
                       errors=[_error(e) for e in result.errors])
    return FxRatesImported(added=result.added, unchanged=result.unchanged)


def _parsed(content_type: str, body: bytes, who: str) -> RatesFile | str:
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    source = f"api:{who}"
    if kind == "text/csv":
        return parse_rates_csv(text.splitlines(), source=source)
    if kind == "application/json":
        try:
            return parse_rates_json(json.loads(text), source=source)
        except ValueError:
            return "the body is not JSON"
    return "send text/csv or application/json"


def _error(e: RowError) -> dict[str, Any]:
    """As the contract's `ProblemField`: the row and column as the field's path."""
    return {"field": f"rows[{e.row_number}].{e.column}", "message": e.message,
            "type": "fx-rate-refused"}


@router.get("", response_model=FxRatesPublic, operation_id="ListFxRates")
def list_fx_rates(caller: CallerDep, rates: FxRatesDep, models: ReadModelsDep,
                  on: RateDay = None) -> Any:
    """The rates dated one day (default: today)."""
    check_read(caller, READERS)
    day: date = on or models.clock().date()
    return FxRatesPublic(rate_date=day, items=[
        FxRatePublic(base_currency=s.rate.base, quote_currency=s.rate.quote,
                     rate_date=s.rate.rate_date, rate=str(s.rate.rate), source=s.source,
                     imported_at=s.imported_at)
        for s in rates.on(day)
    ])


ROUTERS = [router]
