"""Notices sent to customers, with what became of each: the portfolio's, filtered, and an
account's. From the notices read model (`ledger.projections.notices`), a page at a time,
newest first; agents read their own accounts' only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.command_endpoint import assigned_agent
from api.deps import CallerDep, ReadModelsDep, ServiceDep
from api.keys import Caller
from api.path_params import AccountNumber
from api.permissions import AGENT, READERS_OF_ACCOUNTS, check_own_account, check_read
from api.read_params import LAST_POSITION, AccountFilter, Fresh, link_next
from api.schemas.notices import ListedAmount, NoticePublic, NoticesPublic
from ledger.aggregates.errors import InvalidDates
from ledger.commands.base import BusinessDate
from ledger.projections.notices import NoticeFilter, NoticeRow, notices
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService

router = APIRouter(tags=["notices"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})
READERS_OF_NOTICES = READERS_OF_ACCOUNTS
"""Managers, auditors, compliance and the service role (an external mailer follows what
became of its notices); agents their own accounts'."""

Status = Annotated[Literal["sent", "delivered", "failed"] | None,
                   Query(description="only notices in this state")]
Channel = Annotated[Literal["email", "letter", "call_task"] | None,
                    Query(description="only notices on this channel")]
From = Annotated[BusinessDate | None, Query(alias="from", description="sent on or after",
                                            examples=["2026-03-01"])]
To = Annotated[BusinessDate | None, Query(alias="to", description="sent on or before",
                                          examples=["2026-03-31"])]
PageSize = Annotated[int, Query(ge=1, le=1000, description="notices per page")]
Cursor = Annotated[int | None, Query(ge=1, le=LAST_POSITION,
                                     description="the next_cursor of the previous page")]


@router.get("/notices", response_model=NoticesPublic, operation_id="ListNotices")
def list_notices(request: Request, response: Response, models: ReadModelsDep,
                 service: ServiceDep, caller: CallerDep, status: Status = None,
                 channel: Channel = None, account: AccountFilter = None, start: From = None,
                 end: To = None, limit: PageSize = 100, cursor: Cursor = None) -> NoticesPublic:
    """Notices sent to customers, newest first; agents see their own accounts'."""
    check_read(caller, READERS_OF_NOTICES)
    agent = _own(caller, service, account)
    if start is not None and end is not None and end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    where = NoticeFilter(status=status, channel=channel, number=account, agent=agent,
                         start=start, end=end, before=cursor)
    return _page(request, response, models, where, limit)


@router.get("/accounts/{account}/notices", response_model=NoticesPublic,
            operation_id="ListAccountNotices", responses={404: {}})
def list_account_notices(request: Request, response: Response, account: AccountNumber,
                         models: ReadModelsDep, service: ServiceDep, caller: CallerDep,
                         limit: PageSize = 100, cursor: Cursor = None) -> NoticesPublic:
    """The account's notices, newest first, with what became of each."""
    check_read(caller, READERS_OF_NOTICES, account, lambda: assigned_agent(service, account))
    service.current_version(account)
    return _page(request, response, models, NoticeFilter(number=account, before=cursor), limit)


def _own(caller: Caller, service: LedgerService, account: str | None) -> str | None:
    """An agent reads their own accounts' notices: another's account is refused."""
    if caller.role != AGENT:
        return None
    if account is not None:
        check_own_account(caller, account, lambda: assigned_agent(service, account))
    return caller.actor_id


def _page(request: Request, response: Response, models: ReadModels, where: NoticeFilter,
          limit: int) -> NoticesPublic:
    open_items, activity = models.narrowed(models.excluded("open_items", "activity"),
                                           "open_items", "activity")
    found = models.read(lambda s: notices(s, activity, open_items, where, limit + 1))
    next_cursor = found[limit - 1].position if len(found) > limit else None
    if next_cursor is not None:
        link_next(request, response, cursor=next_cursor, limit=limit)
    return NoticesPublic(items=[_public(r) for r in found[:limit]], next_cursor=next_cursor)


def _public(row: NoticeRow) -> NoticePublic:
    fields = {k: v for k, v in vars(row).items() if k not in ("position", "amounts")}
    return NoticePublic(**fields, amounts=[ListedAmount(currency=c, amount=a)
                                           for c, a in row.amounts.items()])


ROUTERS = [router]
