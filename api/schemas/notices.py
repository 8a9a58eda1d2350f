"""What the notice reads return: each notice sent to a customer, what it listed and what
became of it. Never the contact, the address or the text (those stay sealed in the
account's events and are rendered again when needed)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.money import Money
from api.schemas.utc_times import UtcTime


class ListedAmount(BaseModel):
    currency: str
    amount: Money = Field(description="the undisputed amounts the notice lists in this "
                          "currency, together")


class NoticePublic(BaseModel):
    account: str
    notice_id: str
    sent_on: date = Field(description="the business day of the run that sent it")
    recorded_at: UtcTime
    level: str = Field(description="the highest dunning level the notice reached")
    channel: str = Field(description="email, letter or call_task")
    template: str
    segment: str
    policy_version: int = Field(description="the dunning policy version the run applied")
    invoices: int = Field(description="how many invoices it lists")
    amounts: list[ListedAmount] = Field(description="what it lists, per currency")
    status: str = Field(description="sent, delivered or failed")
    reason: str | None = Field(description="why a failed notice failed")
    outcome_at: UtcTime | None = Field(
        description="when its delivery or failure was recorded; null while sent")


class NoticesPublic(BaseModel):
    """Notices, newest first; ``next_cursor`` is the ``cursor`` of the next page (null on
    the last one)."""

    items: list[NoticePublic]
    next_cursor: int | None
