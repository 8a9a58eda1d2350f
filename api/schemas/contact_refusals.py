"""What the refused-contact reads return: an account's refusals, and the report per rule."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.accounts import HistoryEvent


class ContactRefusals(BaseModel):
    """The account's refused contacts, oldest first, from its compliance stream: records
    shaped like the history's (``type`` ``ContactRefused``; ``account_id``, ``version`` and
    the hash link are the compliance stream's, ``position`` null), with who (``actor_id``),
    when (``recorded_at``; ``payload.at`` the attempt), ``payload.channel`` and
    ``payload.rule``. Kept apart from ``/history`` so its versions and cursor stay the
    account's own."""

    items: list[HistoryEvent]


class RefusalCountRow(BaseModel):
    key: str = Field(
        description="the rule (as in the problem type contact-refused/<rule>) or the channel")
    refusals: int


class ContactRefusalReport(BaseModel):
    """Refused contacts dated in the period (the attempt's local date), per rule and per
    channel, most first."""

    start: date
    end: date
    total: int
    by_rule: list[RefusalCountRow]
    by_channel: list[RefusalCountRow]
