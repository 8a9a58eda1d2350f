"""What every read accepts: the dates it is asked about, paging, and read-your-writes.

A write answers with ``X-Ledger-Position``; a read given ``wait_for`` with that
position first waits until the read models have applied it, so a client sees its
own write. If they don't get there in time the answer is 503 with ``Retry-After``:
an honest "not yet" rather than data that silently lacks the write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Response
from pydantic import AfterValidator, WithJsonSchema

from api.deps import CallerDep, ReadModelsDep
from ledger import input_limits as limits
from ledger.commands.base import BusinessDate
from ledger.input_limits import IDENTIFIER_PATTERN, MAX_IDENTIFIER
from ledger.known_at import recorded_instant

WAIT_TIMEOUT_SECONDS = 5.0
RETRY_AFTER_SECONDS = 1
EARLIEST, LATEST = limits.EARLIEST_DATE, limits.LATEST_DATE
LAST_POSITION = 2**63 - 1
LAST_VERSION = 2**31 - 1


def _plausible_instant(moment: datetime) -> datetime:
    """In a range that keeps date arithmetic on the way (a day before, days past due) valid,
    and in UTC. Without a UTC offset it is the ledger's own rule that refuses it, raised
    past pydantic on purpose: the answer is that rule's problem, as from any read."""
    if not EARLIEST.year <= moment.year <= LATEST.year:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return recorded_instant(moment)


RecordedTime = Annotated[
    datetime, AfterValidator(_plausible_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": limits.MOMENT_PATTERN}),
]

AsOf = Annotated[
    BusinessDate | None,
    Query(description="business date (default: today)", examples=["2026-03-31"]),
]
KnownAt = Annotated[
    RecordedTime | None,
    Query(description="as known at this recorded time (UTC offset required)",
          examples=["2026-04-05T12:00:00Z"]),
]
PeriodStart = Annotated[
    BusinessDate, Query(alias="from", description="first day", examples=["2026-03-01"])
]
PeriodEnd = Annotated[
    BusinessDate, Query(alias="to", description="last day, inclusive", examples=["2026-03-31"])
]
# Which accounts and currency a portfolio read (aging, KPIs) covers.
Currency = Annotated[str | None, Query(pattern="^[A-Z]{3}$", examples=["USD"])]
ReportingCurrency = Annotated[str | None, Query(
    pattern="^[A-Z]{3}$", examples=["EUR"],
    description="also total every currency in this one with the FX rates imported "
                "(latest rate on or before as_of), naming each rate's date")]

IDENTIFIER: dict[str, Any] = {
    "min_length": 1, "max_length": MAX_IDENTIFIER, "pattern": IDENTIFIER_PATTERN,
}
AccountFilter = Annotated[
    str | None, Query(**IDENTIFIER, description="only this account (its number)",
                      examples=["ACC-00042"]),
]
AgentFilter = Annotated[
    str | None, Query(**IDENTIFIER, description="only the accounts currently assigned to "
                      "this agent", examples=["agent-7"]),
]
SegmentFilter = Annotated[
    str | None, Query(**IDENTIFIER, description="only the accounts of this segment",
                      examples=["standard"]),
]
Day = Annotated[BusinessDate | None, Query(description="business day (default: today)")]
Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
AfterVersion = Annotated[
    int, Query(ge=0, le=LAST_VERSION, description="the cursor: the last version seen")
]
AfterPosition = Annotated[
    int, Query(ge=0, le=LAST_POSITION - 1, description="the cursor: the last position seen")
]
WaitFor = Annotated[
    int | None,
    Query(ge=0, le=LAST_POSITION,
          description="log position (from X-Ledger-Position) to wait for first"),
]


def read_your_writes(
    request: Request, models: ReadModelsDep, _: CallerDep, wait_for: WaitFor = None
) -> None:
    """Authenticated first, so nobody can make the server wait without a key."""
    timeout = float(getattr(request.app.state, "wait_timeout", WAIT_TIMEOUT_SECONDS))
    if wait_for is not None and wait_for > (models.app.recorder.max_notification_id() or 0):
        raise HTTPException(422, f"position {wait_for} has not been written: nothing to wait for")
    if not models.wait_for(wait_for, timeout):
        raise HTTPException(
            503,
            f"the read models have not reached position {wait_for} within {timeout:g}s; "
            "retry shortly",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


Fresh = Depends(read_your_writes)
"""Declare on a route reading read models: ``dependencies=[Fresh]``."""


def link_next(request: Request, response: Response, **cursor: object) -> None:
    """``Link: <...>; rel="next"``: the same query, moved on to the next page."""
    url = request.url.include_query_params(**cursor)
    response.headers["Link"] = f'<{url}>; rel="next"'
