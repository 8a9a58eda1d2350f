"""Reading accounts: the directory, an account's state as of a date, its history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response

from api.command_endpoint import assigned_agent, etag
from api.deps import CallerDep, ReadModelsDep, ServiceDep
from api.exports import EXPORTABLE, ExportFormat, streamed
from api.history_pages import HISTORY_COLUMNS, account_page, account_records
from api.path_params import AccountNumber
from api.permissions import AGENT, READERS_OF_ACCOUNTS, READERS_OF_HISTORY, check_read
from api.read_params import (
    RETRY_AFTER_SECONDS,
    AfterVersion,
    AsOf,
    Fresh,
    KnownAt,
    Limit,
    link_next,
)
from api.schemas.accounts import AccountsPage, AccountState, AccountSummary, HistoryPage
from ledger.projections.runner import ReadModelsBehind

router = APIRouter(prefix="/accounts", tags=["accounts"], responses={401: {}, 403: {}})

IfNoneMatch = Annotated[
    str | None,
    Header(alias="If-None-Match",
           description='with an explicit as_of: 304 if the account is still at this ETag'),
]


@router.get("", response_model=AccountsPage, operation_id="ListAccounts",
            dependencies=[Fresh], responses={422: {}, 503: {}})
def list_accounts(
    request: Request,
    response: Response,
    models: ReadModelsDep,
    caller: CallerDep,
    after: Annotated[str | None, Query(description="the last number of the previous page")]
    = None,
    limit: Limit = 100,
    segment: str | None = None,
    agent: Annotated[str | None, Query(description="only this agent's accounts")] = None,
) -> AccountsPage:
    """Accounts by number, a page at a time; agents see only their own."""
    check_read(caller, READERS_OF_ACCOUNTS)
    if caller.role == AGENT:
        agent = caller.actor_id
    page = models.accounts(after, limit, agent=agent, segment=segment)
    if page.next_cursor is not None:
        link_next(request, response, after=page.next_cursor)
    return AccountsPage(
        items=[AccountSummary(number=a.number, name=a.name, currency=a.currency,
                              segment=a.segment, agent=a.agent_id) for a in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/{account}", response_model=AccountState, operation_id="GetAccount",
            responses={304: {"description": "not changed since the If-None-Match ETag"},
                       404: {}, 409: {}, 422: {}, 503: {}})
def get_account(
    account: AccountNumber,
    response: Response,
    service: ServiceDep,
    caller: CallerDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """The account as of a business date, as known at a recorded time, with every write
    to it so far (no ``wait_for`` needed); ETag = current version."""
    check_read(caller, READERS_OF_ACCOUNTS, account, lambda: assigned_agent(service, account))
    try:
        view = service.account_as_of(account, as_of, known_at)
    except ReadModelsBehind as behind:
        raise HTTPException(503, str(behind),
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    tag = etag(service.current_version(account))
    response.headers["ETag"] = tag
    if as_of is not None and if_none_match is not None and tag in _tags(if_none_match):
        return Response(status_code=304, headers={"ETag": tag})
    return AccountState.model_validate(view)


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",")}


@router.get("/{account}/history", response_model=HistoryPage, operation_id="GetAccountHistory",
            dependencies=[Fresh],
            responses={**EXPORTABLE, 404: {}, 409: {}, 422: {}, 503: {}})
def get_history(
    account: AccountNumber,
    request: Request,
    response: Response,
    service: ServiceDep,
    models: ReadModelsDep,
    caller: CallerDep,
    fmt: ExportFormat,
    after_version: AfterVersion = 0,
    limit: Limit = 100,
) -> Any:
    """Every event of the account with envelope and hash, oldest first (exports: all of it)."""
    check_read(caller, READERS_OF_HISTORY, account, lambda: assigned_agent(service, account))
    if fmt != "json":
        records = account_records(models, account, after_version)
        return streamed(fmt, HISTORY_COLUMNS, records, f"{account}-history")
    page = account_page(models, account, after_version, limit)
    if page.next_cursor is not None:
        link_next(request, response, after_version=page.next_cursor, limit=limit)
    return HistoryPage.model_validate({"items": page.records, "next_cursor": page.next_cursor})


ROUTERS = [router]
