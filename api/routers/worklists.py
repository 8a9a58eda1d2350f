"""An agent's worklist for a day: the accounts to work, best first, with the reasons.

Handing a worklist out stores it, and KPIs later count the items the agent
worked, so only a POST hands one out (the agent, for themselves, or a manager);
a GET never changes anything: it reads what was handed out, or with
``preview=true`` a ranking computed now and not stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status

from api.deps import CallerDep, ReadModelsDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.keys import Caller
from api.path_params import AgentId
from api.permissions import AGENT, MANAGER, READERS_OF_PORTFOLIO, check_read, forbid
from api.read_params import Day, Fresh
from api.schemas.portfolio import Worklist

router = APIRouter(prefix="/worklists", tags=["worklists"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 404: {}, 422: {}, 503: {}})

READERS_OF_WORKLISTS = READERS_OF_PORTFOLIO | {AGENT}
WORKLIST_HANDERS = frozenset({AGENT, MANAGER})
COLUMNS = ("rank", "account", "account_id", "score", "excluded", "reason", "detail",
           "components")
Preview = Annotated[bool, Query(
    description="rank the accounts now instead of reading what was handed out; "
                "nothing is stored")]


def check_own(caller: Caller, agent_id: str, what: str) -> None:
    if caller.role == AGENT and caller.actor_id != agent_id:
        raise forbid(caller, f"{what} the worklist of {agent_id}")


@router.get("/{agent_id}", response_model=Worklist, operation_id="GetWorklist",
            responses=EXPORTABLE)
def get_worklist(
    agent_id: AgentId,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    on: Day = None,
    preview: Preview = False,
) -> Any:
    """The worklist handed out to the agent for a day (or a preview); agents read their own."""
    check_read(caller, READERS_OF_WORKLISTS)
    check_own(caller, agent_id, "read")
    day = on or models.clock().date()
    worklist = (models.worklist(agent_id, day) if preview
                else models.handed_out_worklist(agent_id, day))
    if worklist is None:
        raise HTTPException(404, f"no worklist was handed out to {agent_id} for {day}; "
                                 f"POST /worklists/{agent_id} hands one out, "
                                 "preview=true ranks without storing")
    if fmt != "json":
        records = (
            {"rank": i.rank, "account": i.account, "account_id": i.account_id,
             "score": i.score, "excluded": i.excluded, "reason": i.reason,
             "detail": i.detail, "components": i.components}
            for i in (*worklist.items, *worklist.excluded)
        )
        return streamed(fmt, COLUMNS, records, f"worklist-{agent_id}-{day}")
    return Worklist.model_validate(worklist)


@router.post("/{agent_id}", response_model=Worklist, operation_id="HandOutWorklist",
             status_code=status.HTTP_201_CREATED)
def hand_out_worklist(
    agent_id: AgentId, response: Response, models: ReadModelsDep, caller: CallerDep,
    on: Day = None,
) -> Any:
    """Rank the agent's accounts and hand the result out for the day (replacing one handed
    out before): stored, so KPIs count the items worked. The agent, or a manager."""
    if caller.role not in WORKLIST_HANDERS:
        raise forbid(caller, "hand out worklists")
    check_own(caller, agent_id, "hand out")
    day = on or models.clock().date()
    worklist = models.hand_out_worklist(agent_id, day)
    response.headers["Location"] = f"/worklists/{agent_id}?on={day}"
    return Worklist.model_validate(worklist)


ROUTERS = [router]
