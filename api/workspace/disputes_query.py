"""The disputes page's reads: which disputes its filter form asks for, a page at a time,
and each shown dispute's history (opened, reason and owner changes, resolved).

The form is a GET like the dashboard's (`dashboard_query`): a field left empty means
"not filtered". ``status`` is ``open`` (the default), ``resolved`` (resolved in the last
`RECENT_DAYS` days: what a team reviews, not every dispute ever closed) or ``all`` (both).
``min_age`` keeps the disputes opened at least that many days ago. ``report_from`` and
``report_to`` are the root-cause report's period (`report_period`), which ``GET
/reports/disputes`` takes as ``from`` and ``to``.

The rows are the open-items read model's disputes (``rm_disputes``, whose reason code and
owner are the dispute's now) beside their account (``rm_accounts``: number, name, agent);
the history is the history read model's rows of the shown disputes' accounts
(``rm_history``), so a page reads what it shows and nothing more. Plain SQL (SQLAlchemy
Core) over the tables the caller passes, already narrowed to the accounts not
quarantined.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from math import ceil
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import and_, func, or_, select

from api.read_params import IDENTIFIER
from ledger.aggregates.dispute_reasons import CODE
from ledger.commands.base import BusinessDate
from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables
from ledger.projections.stored_times import as_utc

RECENT_DAYS = 30
ROWS_PER_PAGE = 50
"""Rows a page shows: each carries two forms and its history, like a worklist row."""
HISTORY_TYPES = ("DisputeOpened", "DisputeReasonChanged", "DisputeOwnerAssigned",
                 "DisputeResolved")
LABELS = {"status": "Status", "account": "Account", "reason": "Reason", "owner": "Owner",
          "agent": "Agent",
          "min_age": "Opened at least (days ago)", "page": "Page",
          "report_from": "Report from", "report_to": "Report to"}

Identifier = Annotated[str | None, Field(**IDENTIFIER)]


class DisputesQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    status: Literal["open", "resolved", "all"] = "open"
    account: Identifier = None
    reason: Annotated[str | None, Field(pattern=CODE.pattern)] = None
    owner: Identifier = None
    agent: Identifier = None
    min_age: Annotated[int | None, Field(ge=0, le=36500)] = None
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    report_from: BusinessDate | None = None
    report_to: BusinessDate | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unfiltered(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    def params(self, *, page: int | None = None) -> dict[str, str]:
        """The query as a link's parameters (the filters given, and the page)."""
        found = {name: str(value) for name, value in self.model_dump().items()
                 if value is not None and name != "page"}
        return found | {"page": str(page or self.page)}


def parse(params: Mapping[str, str]) -> tuple[DisputesQuery, list[str]]:
    """The query the form asked for, or the unfiltered one with what was wrong, in words
    naming the form's fields."""
    given = {k: v for k, v in params.items() if not (k in ("status", "page") and not v)}
    try:
        return DisputesQuery.model_validate(given), []
    except ValidationError as wrong:
        return DisputesQuery(), [f"{LABELS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                                 for e in wrong.errors()]


def report_period(query: DisputesQuery, today: date) -> tuple[date, date, list[str]]:
    """The report's period: as asked, else from the first of the month two months back
    to today (this month and the two before); one that ends before it starts is refused,
    as the API refuses it, and the default shown instead."""
    start = date(today.year - (today.month <= 2), (today.month - 3) % 12 + 1, 1)
    asked = (query.report_from or start, query.report_to or today)
    if asked[1] < asked[0]:
        return start, today, [f"the period cannot end ({asked[1]}) before it starts "
                              f"({asked[0]})"]
    return asked[0], asked[1], []


@dataclass(frozen=True)
class DisputeRow:
    account: str
    account_id: str
    name: str
    agent: str | None
    dispute_id: str
    invoice_id: str
    currency: str
    amount: Decimal
    opened_on: date
    opened_by: str
    reason_code: str
    owner: str | None
    resolved_on: date | None
    outcome: str | None
    credited: Decimal | None

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    def age_days(self, today: date) -> int:
        """Days open: until today while open, until its resolution once resolved."""
        return max(((self.resolved_on or today) - self.opened_on).days, 0)


@dataclass(frozen=True)
class DisputePage:
    rows: list[DisputeRow]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * ROWS_PER_PAGE + 1


@dataclass(frozen=True)
class DisputeStep:
    """One line of a dispute's history: what happened, who, when, why."""

    dispute_id: str
    kind: str
    detail: dict[str, Any]
    effective_on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str


def _filters(query: DisputesQuery, d: Any, a: Any, today: date) -> list[Any]:
    recent = today - timedelta(days=RECENT_DAYS)
    status = {"open": d.c.resolved_on.is_(None),
              "resolved": d.c.resolved_on >= recent,
              "all": or_(d.c.resolved_on.is_(None), d.c.resolved_on >= recent)}
    found = [status[query.status]]
    if query.account:
        found.append(a.c.number == query.account)
    if query.reason:
        found.append(d.c.reason_code == query.reason)
    if query.owner:
        found.append(d.c.owner == query.owner)
    if query.agent:
        found.append(a.c.agent_id == query.agent)
    if query.min_age is not None:
        found.append(d.c.opened_on <= today - timedelta(days=query.min_age))
    return found


def dispute_page(session: Any, open_items: Tables, query: DisputesQuery, today: date,
                 per_page: int = ROWS_PER_PAGE) -> DisputePage:
    """The disputes the query asks for, oldest opened first, the page asked for (or the
    last there is)."""
    d, a = open_items["disputes"], open_items["accounts"]
    joined = d.join(a, a.c.account_id == d.c.account_id)
    where = and_(*_filters(query, d, a, today))
    total = int(session.execute(select(func.count()).select_from(joined).where(where))
                .scalar_one())
    pages = max(ceil(total / per_page), 1)
    page = min(query.page, pages)
    found = session.execute(
        select(a.c.number, d.c.account_id, a.c.name, a.c.agent_id, d.c.dispute_id,
               d.c.invoice_id,
               d.c.currency, d.c.amount_minor, d.c.opened_on, d.c.opened_by,
               d.c.reason_code, d.c.owner, d.c.resolved_on, d.c.outcome, d.c.credited_minor)
        .select_from(joined).where(where)
        .order_by(d.c.opened_on, a.c.number, d.c.dispute_id)
        .limit(per_page).offset((page - 1) * per_page)
    )
    rows = [DisputeRow(
        account=r.number, account_id=r.account_id, name=r.name, agent=r.agent_id,
        dispute_id=r.dispute_id,
        invoice_id=r.invoice_id, currency=r.currency,
        amount=from_minor(r.amount_minor, r.currency), opened_on=r.opened_on,
        opened_by=r.opened_by, reason_code=r.reason_code, owner=r.owner,
        resolved_on=r.resolved_on, outcome=r.outcome,
        credited=None if r.credited_minor is None else from_minor(r.credited_minor,
                                                                  r.currency),
    ) for r in found]
    return DisputePage(rows, total, page, pages)


def dispute_owners(session: Any, open_items: Tables) -> list[str]:
    """Every owner a dispute has now (the owner filter's choices)."""
    d = open_items["disputes"]
    found = session.execute(select(d.c.owner).where(d.c.owner.is_not(None)).distinct())
    return sorted(r.owner for r in found)


def dispute_histories(session: Any, history: Tables,
                      rows: list[DisputeRow]) -> dict[tuple[str, str], list[DisputeStep]]:
    """Each shown dispute's history, oldest first, keyed by (account, dispute id)."""
    if not rows:
        return {}
    h = history["history"]
    by_id = {r.account_id: r.account for r in rows}
    wanted = {(r.account, r.dispute_id) for r in rows}
    found: dict[tuple[str, str], list[DisputeStep]] = {key: [] for key in wanted}
    for r in session.execute(
        select(h.c.account_id, h.c.type, h.c.payload, h.c.effective_on, h.c.recorded_at,
               h.c.actor_id, h.c.actor_role)
        .where(h.c.account_id.in_(list(by_id)), h.c.type.in_(HISTORY_TYPES))
        .order_by(h.c.account_id, h.c.version)
    ):
        payload = json.loads(r.payload)
        key = (by_id[r.account_id], str(payload.get("dispute_id")))
        if key in found:
            found[key].append(DisputeStep(
                dispute_id=key[1], kind=r.type, detail=_detail(r.type, payload),
                effective_on=r.effective_on, recorded_at=aware(r.recorded_at),
                actor_id=r.actor_id, actor_role=r.actor_role))
    return found


def aware(moment: datetime) -> datetime:
    """In UTC whatever the database's session zone (`stored_times.as_utc` for SQLite)."""
    return as_utc(moment).astimezone(UTC)


def _detail(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a history line says: never the debtor's words (``DisputeOpened.reason`` is
    personal data), only the staff's reasons and the codes."""
    if kind == "DisputeOpened":
        return {"reason_code": payload.get("reason_code", "other"),
                "owner": payload.get("owner")}
    if kind == "DisputeReasonChanged":
        return {"from": payload.get("previous_code"), "to": payload.get("reason_code"),
                "why": payload.get("reason") or ""}
    if kind == "DisputeOwnerAssigned":
        return {"from": payload.get("previous_owner"), "to": payload.get("owner"),
                "why": payload.get("reason") or ""}
    return {"outcome": payload.get("outcome"), "why": payload.get("reason") or ""}
