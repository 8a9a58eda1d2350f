"""Bank statements: the morning's cash, imported and applied (docs/cash-application.md).

The body is the bank's file as it came (BAI2, camt.053, camt.054, MT940 or the documented
CSV); ``format=auto`` tells them apart. A file that cannot be read is answered 422
``statement-unreadable`` naming the line, and nothing of it is stored; the same file
again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import CallerDep, CashDep
from api.permissions import APPLIERS_OF_CASH, SERVICE, forbid
from api.problems import problem
from api.schemas.cash import StatementImported
from ledger.cash.statements import FORMATS, StatementParseError
from ledger.commands.base import Actor

IMPORTERS = APPLIERS_OF_CASH | {SERVICE}
MAX_BODY = 64_000_000
"""Bytes: a camt.053 of 100,000 entries is about 60 MB."""

router = APIRouter(prefix="/bank-statements", tags=["cash application"],
                   responses={401: {}, 403: {}, 413: {}, 422: {}})

SAMPLES = Path(__file__).resolve().parents[1] / "schemas" / "statement_examples"
"""A small statement of each format (tests/data/statements/handwritten's): the request
body's examples, which the contract test sends as they are."""
BODY = {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"},
                 "example": (SAMPLES / "statement.csv").read_text()},
    "application/xml": {"schema": {"type": "string"},
                        "example": (SAMPLES / "camt054-return.xml").read_text()},
    "text/plain": {"schema": {"type": "string"},
                   "example": (SAMPLES / "mt940-reversal.sta").read_text()},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"},
                                 "example": (SAMPLES / "bai2-return.bai2").read_text()},
}}


@router.post("", response_model=StatementImported, operation_id="ImportBankStatement",
             openapi_extra={"requestBody": BODY})
async def import_statement(
    request: Request, caller: CallerDep, cash: CashDep,
    format: Annotated[str, Query(pattern="^(auto|" + "|".join(FORMATS) + ")$",
                                 description="the file's format; auto tells them apart")]
    = "auto",
) -> Any:
    """Import a bank statement: each credit line a receipt, matched and applied where a
    rule finds its customer, the rest left in the unidentified queue; returns reversed.
    ``X-Ledger-Position`` is the log position to pass as ``wait_for`` to read it back."""
    if caller.role not in IMPORTERS:
        raise forbid(caller, "import bank statements")
    body = await request.body()
    if len(body) > MAX_BODY:
        return problem(413, "body-too-large", "Body too large",
                       f"at most {MAX_BODY} bytes per statement file")
    try:
        report = cash.import_statement(body, Actor(caller.actor_id, caller.role), format,
                                       source=f"api:{caller.actor_id}")
    except StatementParseError as error:
        return problem(422, "statement-unreadable", "Statement unreadable", str(error),
                       line=error.line)
    position = cash.app.recorder.max_notification_id()
    return JSONResponse(StatementImported(**report.as_dict()).model_dump(mode="json"),
                        headers={"X-Ledger-Position": str(position or 0)})


ROUTERS = [router]
