"""The read side for operators: where each read model is, which accounts it quarantined
and why, and rebuilding one account once the cause is fixed (docs/read-models.md).

Unlike ``/readyz`` and ``/metrics`` these name accounts, so they need a key: admins and
managers run the service, auditors may look.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, ReadModelsDep
from api.path_params import AccountNumber
from api.permissions import ADMIN, AUDITOR, MANAGER, check_read, forbid
from api.schemas.operations import AccountRebuildOut, AccountRebuiltOut, ReadSideStatusOut
from ledger.aggregates import account_id_for

STATUS_READERS = frozenset({ADMIN, MANAGER, AUDITOR})
REBUILDERS = frozenset({ADMIN, MANAGER})

router = APIRouter(prefix="/operations", tags=["operations"], responses={401: {}, 403: {}})


@router.get("/status", response_model=ReadSideStatusOut, operation_id="GetReadSideStatus")
def get_status(models: ReadModelsDep, caller: CallerDep) -> Any:
    """Each read model's position and lag, and every quarantined account with its error."""
    check_read(caller, STATUS_READERS)
    return ReadSideStatusOut.model_validate(models.status())


@router.post("/accounts/{account}/rebuild", response_model=AccountRebuildOut,
             operation_id="RebuildAccountReadModels", responses={404: {}})
def rebuild_account(account: AccountNumber, models: ReadModelsDep, caller: CallerDep) -> Any:
    """Re-apply the account's events in every read model: lifts its quarantine if they
    now apply, or quarantines it again with the new error. Writes no event."""
    if caller.role not in REBUILDERS:
        raise forbid(caller, "rebuild read models")
    outcomes = models.rebuild_account(account_id_for(account))
    return AccountRebuildOut(account=account, projections=[
        AccountRebuiltOut.model_validate(outcome) for outcome in outcomes
    ])


ROUTERS = [router]
