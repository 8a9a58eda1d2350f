"""The dunning dry run (what a run would issue, writing nothing) and the policies in force."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CallerDep, ServiceDep
from api.permissions import AUDITOR, COMPLIANCE, MANAGER, check_read
from api.schemas.dunning import DunningDryRun, PoliciesPublic
from ledger.commands.base import BusinessDate
from ledger.daily_loop.dunning_dry_run import dunning_dry_run
from ledger.policies_in_force import policies_in_force

POLICY_READERS = frozenset({MANAGER, AUDITOR, COMPLIANCE})

router = APIRouter(tags=["dunning"], responses={401: {}, 403: {}, 422: {}})


@router.get("/dunning/dry-run", response_model=DunningDryRun, operation_id="DunningDryRun")
def dry_run(
    service: ServiceDep, caller: CallerDep,
    day: Annotated[BusinessDate | None, Query(description="the run's day; today without")] = None,
    segment: Annotated[str | None, Query(max_length=64, description="one segment; all "
                                         "without")] = None,
) -> Any:
    """What the dunning run of the day would issue, per account; nothing is written."""
    check_read(caller, frozenset({MANAGER}))
    on = day or service.clock().date()
    return DunningDryRun(day=on, segment=segment, items=dunning_dry_run(service, on, segment))


@router.get("/policies", response_model=PoliciesPublic, operation_id="GetPolicies")
def get_policies(
    service: ServiceDep, caller: CallerDep,
    day: Annotated[BusinessDate | None,
                   Query(description="in force on this day; today without")] = None,
) -> Any:
    """The policies in force: dunning (version, effective date), four eyes, contact policy,
    worklist weights, approval expiry, dispute reason codes."""
    check_read(caller, POLICY_READERS)
    return policies_in_force(service.policies, day or service.clock().date())


ROUTERS = [router]
