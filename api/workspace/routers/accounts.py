"""The account page: the account as of a date (as known at a time), its aging, open
invoices, disputes (and the form to open one, posted to `routers.disputes`), arrangements,
tasks, contacts and timeline; verifying its chain now; its statement.

Every figure is a read the API makes: the account view (``GET /accounts/{account}``), the
aging (``GET /aging?account=``), the history (``GET /accounts/{account}/history``), the
statement's CSV (``GET /accounts/{account}/statement``) and the verification of one
account (``GET /audit/verify?account=``), each behind the API's own permission check.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from api.command_endpoint import assigned_agent
from api.deps import ReadModelsDep, ServiceDep
from api.exports import streamed
from api.history_pages import account_records
from api.keys import Caller
from api.permissions import MAY_WRITE, READERS_OF_ACCOUNTS, READERS_OF_HISTORY, check_read
from api.problems import status_for
from api.routers.statements import COLUMNS, statement_records
from api.routers.tasks import find_tasks
from api.routers.verification import VERIFIERS
from api.schemas.accounts import AccountState
from api.workspace.deps import SignedInDep, page_router
from api.workspace.refusals import PageRefused
from api.workspace.templating import templates
from api.workspace.timeline import timeline
from ledger.aggregates.errors import InvalidDates, LedgerError
from ledger.audit.refusal_records import refusal_records
from ledger.audit.verification import VerificationReport, verify_ledger
from ledger.commands.collections import OpenDispute
from ledger.commands.tasks import CreateTask
from ledger.projections.aging import DEFAULT_EDGES, bucket_labels
from ledger.projections.quarantine import AccountQuarantined
from ledger.projections.runner import ReadModelsBehind
from ledger.service import LedgerService

router = page_router()


def allowed(caller: Caller, readers: frozenset[str], number: str, service: LedgerService
            ) -> None:
    """The API's rule for reading this account (agents: their own), as a page refusal."""
    try:
        check_read(caller, readers, number, lambda: assigned_agent(service, number))
    except HTTPException as refused:
        raise PageRefused(refused.status_code, "forbidden", str(refused.detail)) from None


def refused(error: Exception) -> PageRefused:
    if isinstance(error, AccountQuarantined):
        return PageRefused(409, "account-quarantined", error.message)
    if isinstance(error, ReadModelsBehind):
        return PageRefused(503, "service-unavailable", str(error))
    assert isinstance(error, LedgerError)
    return PageRefused(status_for(error), error.rule(), error.message)


def known_at_of(text: str | None) -> datetime | None:
    """A recorded time from the form: ISO 8601; without an offset it is read as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PageRefused(422, "validation-error", f"{text!r} is not a date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def account_page(
    request: Request, caller: Caller, number: str, service: LedgerService,
    models: Any, as_of: date | None, known_at: str | None,
    verification: VerificationReport | None = None,
) -> HTMLResponse:
    allowed(caller, READERS_OF_ACCOUNTS, number, service)
    recorded = known_at_of(known_at)
    today = service.clock().date()
    try:
        view = AccountState.model_validate(service.account_as_of(number, as_of, recorded))
        aging = models.aging(view.as_of, recorded, by="account", account=number)
        arrangements = models.arrangements(number)
        tasks = find_tasks(models, number=number, open_only=False)
        readable = caller.role in READERS_OF_HISTORY
        events = timeline(account_records(models, number, 0),
                          refusal_records(service.app, number)) if readable else []
    except (LedgerError, ReadModelsBehind) as error:
        raise refused(error) from None
    opened = events[0].effective_on if events else view.as_of
    return templates.TemplateResponse(request, "account.html", {
        "view": view, "aging": aging, "buckets": bucket_labels(DEFAULT_EDGES),
        "arrangements": arrangements, "events": list(reversed(events)),
        "opened": opened, "today": today, "life_days": max((today - opened).days, 0),
        "as_of_offset": (view.as_of - opened).days, "known_at": known_at or "",
        "may_verify": caller.role in VERIFIERS, "verification": verification,
        "verified_at": service.clock() if verification else None,
        "tasks": tasks, "may_task": caller.role in MAY_WRITE[CreateTask],
        "may_dispute": caller.role in MAY_WRITE[OpenDispute],
        "disputable": [i for i in view.invoices if i.outstanding > i.disputed],
        "reasons": service.policies.dispute_reasons,
    })


@router.get("/accounts/{number}")
def account(
    request: Request, number: str, caller: SignedInDep, service: ServiceDep,
    models: ReadModelsDep, as_of: date | None = None, known_at: str | None = None,
) -> HTMLResponse:
    """The account as of a date, as known at a time."""
    return account_page(request, caller, number, service, models, as_of, known_at)


@router.post("/accounts/{number}/verify")
def verify(
    request: Request, number: str, caller: SignedInDep, service: ServiceDep,
    models: ReadModelsDep,
) -> HTMLResponse:
    """Verify the account's hash chain now (as ``GET /audit/verify?account=``), then show
    the account with the result."""
    allowed(caller, READERS_OF_ACCOUNTS, number, service)
    try:
        check_read(caller, VERIFIERS)
        report = verify_ledger(service.app, number)
    except HTTPException as error:
        raise PageRefused(403, "forbidden", str(error.detail)) from None
    except LedgerError as error:
        raise refused(error) from None
    return account_page(request, caller, number, service, models, None, None, report)


@router.get("/accounts/{number}/statement.csv")
def statement(
    number: str, caller: SignedInDep, service: ServiceDep, models: ReadModelsDep,
    start: date, end: date, known_at: str | None = None,
) -> StreamingResponse:
    """The statement for a period as the API's CSV."""
    allowed(caller, READERS_OF_HISTORY, number, service)
    try:
        if end < start:
            raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
        statements = models.statement(number, start, end, known_at_of(known_at))
    except LedgerError as error:
        raise refused(error) from None
    return streamed("csv", COLUMNS, statement_records(statements),
                    f"{number}-statement-{start}-{end}")


ROUTERS = (router,)
