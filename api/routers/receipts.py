"""Receipts: the bank's credit lines and what became of them; the unidentified queue a
cashier works (match to accounts and invoices, or return to the payer), and the
cash-application report."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Path, Query

from api.deps import CallerDep, CashDep, ReadModelsDep
from api.permissions import (
    APPLIERS_OF_CASH,
    READERS_OF_PORTFOLIO,
    READERS_OF_RECEIPTS,
    check_read,
    forbid,
)
from api.read_params import Fresh
from api.schemas.cash import (
    CashApplicationReportPublic,
    ReceiptMatchIn,
    ReceiptPublic,
    ReceiptReturnIn,
    Receipts,
)
from api.schemas.problems import problem_responses
from api.write_route import IdempotencyKey
from ledger.aggregates.receipts import STATUSES
from ledger.cash.application import ManualSplit
from ledger.commands.base import Actor
from ledger.projections.receipts import ReceiptRow

ReceiptId = Annotated[UUID, Path(description="the receipt's id")]
REPORT_READERS = READERS_OF_RECEIPTS | READERS_OF_PORTFOLIO

router = APIRouter(prefix="/receipts", tags=["cash application"], dependencies=[Fresh],
                   responses=problem_responses(401, 403, 422))
writes = APIRouter(prefix="/receipts/{receipt_id}", tags=["cash application"],
                   responses=problem_responses(401, 403, 404, 409, 422))
reports = APIRouter(prefix="/reports", tags=["cash application"], dependencies=[Fresh],
                    responses=problem_responses(401, 403, 422))


def public(row: ReceiptRow) -> ReceiptPublic:
    shown = vars(row) | {"splits": [vars(s) for s in row.splits]}
    return ReceiptPublic(**shown)


@router.get("", response_model=Receipts, operation_id="ListReceipts")
def list_receipts(
    models: ReadModelsDep, caller: CallerDep,
    status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")$",
                                        description="only receipts of this status")] = None,
    after: Annotated[UUID | None, Query(description="the last receipt id of the page "
                                                    "before")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Receipts, oldest value date first; ``status=unidentified`` is the queue to work."""
    check_read(caller, READERS_OF_RECEIPTS)
    rows = models.receipts(models.clock().date(), status, str(after) if after else None,
                           limit)
    return Receipts(items=[public(r) for r in rows],
                    next_after=rows[-1].receipt_id if len(rows) == limit else None)


@router.get("/{receipt_id}", response_model=ReceiptPublic, operation_id="GetReceipt",
            responses=problem_responses(404))
def get_receipt(receipt_id: ReceiptId, models: ReadModelsDep, caller: CallerDep) -> Any:
    """One receipt: as the bank gave it, the rule and evidence, and what it paid."""
    check_read(caller, READERS_OF_RECEIPTS)
    row = models.receipt(models.clock().date(), str(receipt_id))
    if row is None:
        raise HTTPException(404, f"receipt {receipt_id} not found")
    return public(row)


def _applier(caller: Any, what: str) -> Actor:
    if caller.role not in APPLIERS_OF_CASH:
        raise forbid(caller, what)
    return Actor(caller.actor_id, caller.role)


@writes.post("/matches", status_code=201, response_model=ReceiptPublic,
             operation_id="MatchReceipt")
def match_receipt(receipt_id: ReceiptId, body: ReceiptMatchIn, cash: CashDep,
                  models: ReadModelsDep, caller: CallerDep,
                  idempotency_key: IdempotencyKey = None) -> Any:
    """Match an unidentified receipt to accounts and invoices (who and why recorded): each
    split becomes a payment on its account, allocated as given."""
    actor = _applier(caller, "match receipts")
    splits = [ManualSplit(s.account, Decimal(s.amount),
                          tuple((a.invoice_id, Decimal(a.amount)) for a in s.allocations))
              for s in body.splits]
    cash.match_receipt(receipt_id, splits, body.reason, actor,
                       _command_id(caller, idempotency_key))
    return _read_back(models, receipt_id)


@writes.post("/returns", status_code=201, response_model=ReceiptPublic,
             operation_id="ReturnReceipt")
def return_receipt(receipt_id: ReceiptId, body: ReceiptReturnIn, cash: CashDep,
                   models: ReadModelsDep, caller: CallerDep,
                   idempotency_key: IdempotencyKey = None) -> Any:
    """Send an unidentified receipt's money back to the payer."""
    actor = _applier(caller, "return receipts")
    cash.return_receipt(receipt_id, body.reason, body.refund_reference, actor,
                        _command_id(caller, idempotency_key))
    return _read_back(models, receipt_id)


def _command_id(caller: Any, idempotency_key: str | None) -> str:
    return f"api:{caller.actor_id}:{idempotency_key}" if idempotency_key else str(uuid4())


def _read_back(models: Any, receipt_id: UUID) -> ReceiptPublic:
    models.catch_up()
    row = models.receipt(models.clock().date(), str(receipt_id))
    if row is None:
        raise HTTPException(503, "the receipt's read model is behind; read it again shortly")
    return public(row)


@reports.get("/cash-application", response_model=CashApplicationReportPublic,
             operation_id="CashApplicationReport")
def cash_application_report(models: ReadModelsDep, caller: CallerDep) -> Any:
    """Share matched automatically, by count and amount, per rule; unidentified by age."""
    check_read(caller, REPORT_READERS)
    report = models.cash_application_report(models.clock().date())
    return CashApplicationReportPublic(
        **(vars(report) | {"by_rule": {k: vars(v) for k, v in report.by_rule.items()}}))


ROUTERS = [router, writes, reports]
