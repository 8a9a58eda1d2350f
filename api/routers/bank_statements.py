"""Bank statements: the morning's cash, imported and applied (docs/cash-application.md).

The body is the bank's file as it came (BAI2, camt.053, camt.054, MT940 or the documented
CSV); ``format=auto`` tells them apart. A file that cannot be read is answered 422
``statement-unreadable`` naming the line, and nothing of it is stored; the same file
again changes nothing.
"""

from __future__ import annotations

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

CSV_EXAMPLE = ("date,amount,currency,counterparty,iban,remittance,reference\n"
               "2026-03-02,1250.00,EUR,Northwind Traders,DE89370400440532013000,"
               "INV-2026-0042,BR-20260302-001\n")
CAMT_EXAMPLE = ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
                'camt.053.001.02">…</Document>')
BODY = {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
    "application/xml": {"schema": {"type": "string"}, "example": CAMT_EXAMPLE},
    "text/plain": {"schema": {"type": "string"},
                   "example": ":20:STMT-0302\n:25:DE89370400440532013000\n:28C:61/1\n…"},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"},
                                 "example": "01,BANKID,CLIENT,260302,0800,1,,,2/\n…"},
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
