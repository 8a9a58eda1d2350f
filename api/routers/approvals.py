"""The approvals queue: write-off and settlement requests waiting for a second person.

Read by those who may decide them (four eyes: a manager other than the requester), so the
reader set is the deciding commands' writers, not a list of its own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, ReadModelsDep
from api.permissions import MAY_WRITE, check_read
from api.read_params import Fresh
from api.schemas.approvals import ApprovalRequest, Approvals
from ledger.commands import collections as c

APPROVERS = MAY_WRITE[c.DecideWriteOff] | MAY_WRITE[c.DecideSettlement]

router = APIRouter(prefix="/approvals", tags=["approvals"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})


@router.get("", response_model=Approvals, operation_id="ListApprovals")
def list_approvals(models: ReadModelsDep, caller: CallerDep) -> Any:
    """Write-off and settlement requests waiting for a decision, oldest first."""
    check_read(caller, APPROVERS)
    today = models.clock().date()
    return Approvals(items=[
        ApprovalRequest(**vars(p), age_days=p.age_days(today)) for p in models.approvals()
    ])


ROUTERS = [router]
