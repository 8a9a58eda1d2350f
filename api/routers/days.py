"""The daily tick on demand, for deployments that schedule it outside the server
(``COLLEDGER_SCHEDULER_ENABLED=false``); idempotent, like the scheduler's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CallerDep
from api.permissions import MANAGER, SERVICE, forbid
from api.schemas.days import DaysTicked, DayTickedPublic
from ledger.commands.base import BusinessDate
from ledger.daily_loop.scheduler import DailyLoop

TICKERS = frozenset({MANAGER, SERVICE})

router = APIRouter(prefix="/days", tags=["days"],
                   responses={401: {}, 403: {}, 404: {}, 422: {}})


def get_daily_loop(request: Request) -> DailyLoop:
    loop: DailyLoop = request.app.state.daily_loop
    return loop


@router.post("/{day}/tick", response_model=DaysTicked, operation_id="TickDay")
def tick_day(
    day: BusinessDate, caller: CallerDep, loop: Annotated[DailyLoop, Depends(get_daily_loop)],
    portfolio: Annotated[str | None, Query(max_length=64, description="one portfolio "
                                           "(a segment, or `default`); all without")] = None,
) -> Any:
    """Process the day's time-driven rules for every account of the portfolios."""
    if caller.role not in TICKERS:
        raise forbid(caller, "tick a day")
    return DaysTicked(items=[DayTickedPublic(**vars(t)) for t in loop.tick(day, portfolio)])


ROUTERS = [router]
