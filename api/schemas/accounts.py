"""What account reads return: the directory, an account's state, its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.money import Money


class AccountSummary(BaseModel):
    number: str
    name: str
    currency: str
    segment: str
    agent: str | None = Field(description="the assigned agent's id, if any")


class AccountsPage(BaseModel):
    """A page of the directory; pass ``next_cursor`` as ``after`` for the next one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": [{"number": "ACC-00001", "name": "Northwind Traders Ltd", "currency": "USD",
                   "segment": "smb", "agent": "agent-1"}],
        "next_cursor": "ACC-00001",
    }]})

    items: list[AccountSummary]
    next_cursor: str | None


class AccountFlags(BaseModel):
    cease_communication: bool
    agency_id: str | None
    legal_referral: bool
    credit_hold: bool
    personal_data_erased: bool


class CurrencyTotals(BaseModel):
    outstanding: Money
    overdue: Money
    disputed: Money
    unapplied_credit: Money
    balance: Money = Field(description="outstanding less unapplied credit")


class OpenInvoice(BaseModel):
    invoice_id: str
    currency: str
    amount: Money
    issue_date: date
    due_date: date
    days_past_due: int
    outstanding: Money
    disputed: Money
    reference: str


class OpenDispute(BaseModel):
    dispute_id: str
    invoice_id: str
    amount: Money


class OpenPromise(BaseModel):
    promise_id: str
    amount: Money
    currency: str
    due_date: date


class AccountState(BaseModel):
    """The account as of a business date, as known at a recorded time."""

    account: str
    account_id: str
    name: str
    currency: str
    terms_days: int
    credit_limit: Money | None
    timezone: str
    segment: str
    agent_id: str | None
    contact: dict[str, str | None] | None = Field(
        default=None,
        description="contact details (personal data, stored encrypted); each value null "
        "once erased (flags.personal_data_erased)",
    )
    as_of: date
    known_at: datetime | None
    version: int = Field(description=(
        "the last event this view counts: dated by as_of and recorded by known_at (the "
        "ETag is the account's current version)"))
    head_hash: str = Field(description="that event's hash (64 zeros when it counts none)")
    flags: AccountFlags = Field(description=(
        "the standing as of as_of as known at known_at; personal_data_erased as known at "
        "known_at, whatever the date (erased data is gone for every date)"))
    totals: dict[str, CurrencyTotals] = Field(description="per currency")
    invoices: list[OpenInvoice] = Field(description="invoices with something outstanding")
    open_disputes: list[OpenDispute]
    open_promise: OpenPromise | None
    quarantined_in: list[str] = Field(default=[], deprecated=True, description=(
        "always empty: the view is made of the read models, so while one of them has "
        "quarantined the account it is refused (409 account-quarantined; GET "
        "/operations/status says why)"))


class HistoryEvent(BaseModel):
    """One event with its envelope and its link in the account's hash chain."""

    position: int | None = Field(
        description="position in the ledger's log, when the source knows it"
    )
    account_id: str
    version: int
    type: str
    effective_on: date
    recorded_at: str = Field(
        json_schema_extra={"format": "date-time"},
        description="UTC, exactly as hashed (YYYY-MM-DDTHH:MM:SS.ffffffZ)",
    )
    actor_id: str
    actor_role: str
    command_id: str
    correlation_id: str
    prev_hash: str
    hash: str
    payload: dict[str, Any]


class HistoryPage(BaseModel):
    """Events oldest first; pass ``next_cursor`` as ``after_version`` for the next page."""

    items: list[HistoryEvent]
    next_cursor: int | None


class AuditPage(BaseModel):
    """Events of all accounts in log order; pass ``next_cursor`` as ``after_position``."""

    items: list[HistoryEvent]
    next_cursor: int | None
