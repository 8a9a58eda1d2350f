"""The workspace's pages, who may open each, and where each role lands after sign-in.

Who may open a page is the API's own rule for the data on it (``api.permissions`` and the
routers' reader sets), checked by the API's own ``check_read``: a page never shows what
the API would refuse its caller, and there is no second table to drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException

from api.keys import Caller
from api.permissions import (
    AGENT,
    AUDITOR,
    CASHIER,
    COMPLIANCE,
    MANAGER,
    MAY_WRITE,
    READERS_OF_ACCOUNTS,
    READERS_OF_HISTORY,
    READERS_OF_PORTFOLIO,
    READERS_OF_RECEIPTS,
    check_read,
)
from api.routers.verification import CHECKPOINT_READERS
from api.routers.worklists import READERS_OF_WORKLISTS
from ledger.commands import collections as c


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    readers: frozenset[str]
    in_nav: bool = True


DASHBOARD = Page("Dashboard", "/app/dashboard", READERS_OF_PORTFOLIO)
WORKLIST = Page("Worklist", "/app/worklist", READERS_OF_WORKLISTS)
# A dispute's list and its history are the accounts' history; agents see their own accounts'.
DISPUTES = Page("Disputes", "/app/disputes", READERS_OF_HISTORY)
# Deciding a write-off or a settlement is what the approvals list is for.
APPROVALS = Page("Approvals", "/app/approvals",
                 MAY_WRITE[c.DecideWriteOff] | MAY_WRITE[c.DecideSettlement])
AUDIT = Page("Audit", "/app/audit", CHECKPOINT_READERS)
# The bank's receipts and the unidentified queue: GET /receipts's readers.
RECEIPTS = Page("Receipts", "/app/receipts", READERS_OF_RECEIPTS)
SEARCH = Page("Search", "/app/search", READERS_OF_ACCOUNTS, in_nav=False)
PAGES = (DASHBOARD, WORKLIST, DISPUTES, APPROVALS, RECEIPTS, AUDIT, SEARCH)

HOMES = {MANAGER: DASHBOARD, AUDITOR: DASHBOARD, AGENT: WORKLIST, COMPLIANCE: AUDIT,
         CASHIER: RECEIPTS}
"""Where each role lands; roles without a home (service, admin) use the API, not pages."""


def may_open(caller: Caller, page: Page) -> bool:
    try:
        check_read(caller, page.readers)
    except HTTPException:
        return False
    return True


def nav_for(caller: Caller) -> list[Page]:
    """The navigation a caller sees: only the pages they may open."""
    return [page for page in PAGES if page.in_nav and may_open(caller, page)]


def home_of(role: str) -> Page | None:
    return HOMES.get(role)


def after_sign_in(role: str, next_url: str | None) -> str:
    """Where a sign-in goes: back to the page that asked for it, if it is one of ours
    (``/app/...``, never another site's ``//host``), else the role's home."""
    if next_url and next_url.startswith("/app/") and not next_url.startswith("/app//"):
        return next_url
    home = home_of(role)
    return home.path if home else "/app/sign-in"
