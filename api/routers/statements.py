"""The customer's statement of account for a period, per currency; and a statement sent to
the customer on demand, through the notices' pipeline (`SendStatement`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter

from api.command_endpoint import assigned_agent
from api.deps import CallerDep, ReadModelsDep, ServiceDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.path_params import AccountNumber
from api.permissions import READERS_OF_HISTORY, check_read
from api.read_params import Fresh, KnownAt, PeriodEnd, PeriodStart
from api.schemas.statements import Statement, Statements
from api.write_route import command_route
from ledger.aggregates.errors import InvalidDates
from ledger.commands.statements import SendStatement
from ledger.projections.statement import Statement as StatementRead

router = APIRouter(prefix="/accounts/{account}", tags=["statements"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}, 503: {}})

COLUMNS = ("currency", "on_date", "kind", "document_id", "invoice_id", "description",
           "debit", "credit", "balance")


@router.get("/statement", response_model=Statements, operation_id="GetStatement",
            responses=EXPORTABLE)
def get_statement(
    account: AccountNumber,
    service: ServiceDep,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    start: PeriodStart,
    end: PeriodEnd,
    known_at: KnownAt = None,
) -> Any:
    """Opening balance, every movement, closing balance and aging, per currency (409
    ``account-quarantined`` while the open items cannot show the account)."""
    check_read(caller, READERS_OF_HISTORY, account, lambda: assigned_agent(service, account))
    if end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    statements = models.statement(account, start, end, known_at)
    if fmt != "json":
        return streamed(fmt, COLUMNS, statement_records(statements),
                        f"{account}-statement-{start}-{end}")
    return Statements(account=account, start=start, end=end, known_at=known_at,
                      statements=[Statement.model_validate(s) for s in statements])


def statement_records(statements: Iterable[StatementRead]) -> Iterator[dict[str, Any]]:
    """The statement's lines as export rows (``COLUMNS``): the API's CSV and the
    workspace's download are the same file."""
    return ({"currency": s.currency, **vars(line)} for s in statements for line in s.lines)


writes = APIRouter(prefix="/accounts/{account}", tags=["statements"])

command_route(writes, "/statement-notices", SendStatement, {
    "channel": "email", "as_of": "2026-02-10", "reason": "customer asked by phone for a copy",
    "customer_request": True,
}, "Send the customer a statement of account: every open item, disputed amounts marked")

ROUTERS = [router, writes]
