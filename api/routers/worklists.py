"""An agent's worklist for a day: the accounts to work, best first, with the reasons.

When the agent asks, the worklist is built from the read models and stored as
handed out (KPIs later count the items the agent worked). Anyone else reads what
was handed out, unless they ask for a fresh build with ``refresh=true``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import CallerDep, ReadModelsDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.permissions import AGENT, READERS_OF_PORTFOLIO, check_read, forbid
from api.read_params import Day, Fresh
from api.schemas.portfolio import Worklist

router = APIRouter(prefix="/worklists", tags=["worklists"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 404: {}, 422: {}, 503: {}})

READERS_OF_WORKLISTS = READERS_OF_PORTFOLIO | {AGENT}
COLUMNS = ("rank", "account", "account_id", "score", "excluded", "reason", "detail",
           "components")


@router.get("/{agent_id}", response_model=Worklist, operation_id="GetWorklist",
            responses=EXPORTABLE)
def get_worklist(
    agent_id: str,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    on: Day = None,
    refresh: Annotated[bool | None, Query(
        description="build afresh and store (default: only when the agent asks)")] = None,
) -> Any:
    """The agent's ranked worklist for a day; agents may read only their own."""
    check_read(caller, READERS_OF_WORKLISTS)
    if caller.role == AGENT and caller.actor_id != agent_id:
        raise forbid(caller, f"read the worklist of {agent_id}")
    day = on or models.clock().date()
    build = refresh if refresh is not None else caller.actor_id == agent_id
    worklist = models.worklist(agent_id, day, refresh=build)
    if worklist is None:
        raise HTTPException(404, f"no worklist was handed out to {agent_id} for {day}; "
                                 "ask with refresh=true to build one")
    if fmt != "json":
        records = (
            {"rank": i.rank, "account": i.account, "account_id": i.account_id,
             "score": i.score, "excluded": i.excluded, "reason": i.reason,
             "detail": i.detail, "components": i.components}
            for i in (*worklist.items, *worklist.excluded)
        )
        return streamed(fmt, COLUMNS, records, f"worklist-{agent_id}-{day}")
    return Worklist.model_validate(worklist)


ROUTERS = [router]
