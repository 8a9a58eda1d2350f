"""Verifying the stored history and recording checkpoints (docs/audit.md).

Verification reads the event store itself, never the read models, so these
routes do not wait for projections to catch up. A checkpoint is an audit control
that changes no account and is refused unless the ledger verifies, so those who
answer for the record may record one: compliance, auditors (an anchor of their
own), and the service role, for a scheduler outside the server. Admins manage
keys and operate the read side, not the record, so they do not.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import CallerDep, ServiceDep
from api.permissions import AUDITOR, COMPLIANCE, MANAGER, SERVICE, check_read, forbid
from api.problems import problem
from api.schemas.verification import CheckpointExport, CheckpointSummary, VerificationOut
from ledger.audit.checkpoint_store import stored_checkpoints
from ledger.audit.recording import CheckpointRefused, record_checkpoint
from ledger.audit.verification import verify_ledger

VERIFIERS = frozenset({AUDITOR, COMPLIANCE, MANAGER})
CHECKPOINT_READERS = frozenset({AUDITOR, COMPLIANCE})
CHECKPOINT_RECORDERS = frozenset({COMPLIANCE, AUDITOR, SERVICE})

router = APIRouter(prefix="/audit", tags=["audit"], responses={401: {}, 403: {}, 422: {}})


@router.get("/verify", response_model=VerificationOut, operation_id="VerifyLedger",
            responses={404: {}})
def verify(
    service: ServiceDep,
    caller: CallerDep,
    account: str | None = Query(None, min_length=1, max_length=64,
                                description="verify one account (its number)"),
) -> Any:
    """Walk every account's hash chain and compare it with the latest checkpoint.

    ``ok`` false lists the first broken link per account, named by kind.
    """
    check_read(caller, VERIFIERS)
    return verify_ledger(service.app, account).as_dict()


@router.get("/checkpoints", response_model=list[CheckpointSummary],
            operation_id="ListCheckpoints")
def list_checkpoints(service: ServiceDep, caller: CallerDep) -> Any:
    """Every recorded checkpoint, oldest first (heads: ``GET /audit/checkpoints/{id}``)."""
    check_read(caller, CHECKPOINT_READERS)
    return [c.summary() for c in stored_checkpoints(service.app)]


@router.get("/checkpoints/{checkpoint_id}", response_model=CheckpointExport,
            operation_id="ExportCheckpoint", responses={404: {}})
def export_checkpoint(checkpoint_id: int, service: ServiceDep, caller: CallerDep) -> Any:
    """One checkpoint with every account's head: the document to keep outside the database."""
    check_read(caller, CHECKPOINT_READERS)
    for checkpoint in stored_checkpoints(service.app):
        if checkpoint.sequence == checkpoint_id:
            return checkpoint.export()
    raise HTTPException(404, f"checkpoint #{checkpoint_id} not found")


@router.post("/checkpoints", response_model=CheckpointExport, status_code=201,
             operation_id="RecordCheckpoint", responses={409: {}})
def create_checkpoint(service: ServiceDep, caller: CallerDep) -> Any:
    """Verify the whole ledger, then record a checkpoint over every stream head.

    Refused (409, ``ledger-does-not-verify``) when verification finds a break.
    """
    if caller.role not in CHECKPOINT_RECORDERS:
        raise forbid(caller, "record a checkpoint")
    try:
        checkpoint = record_checkpoint(service.app, caller.actor_id, service.clock)
    except CheckpointRefused as refused:
        return problem(409, "ledger-does-not-verify", "Ledger does not verify",
                       refused.report.summary())
    return checkpoint.export()


ROUTERS = [router]
