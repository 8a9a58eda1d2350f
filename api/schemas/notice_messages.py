"""What an external mailer reads of a notice (its message and recipient) and reports back
(what became of it)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.commands.base import Text


class NoticeMessage(BaseModel):
    """A notice rendered for its contact, while the account's key exists."""

    account: str
    notice_id: str
    channel: str = Field(description="email, letter or call_task, as the dunning run issued it")
    level: str
    template: str
    sent_on: date = Field(description="the business day the notice was issued (the letter's date)")
    language: str = Field(description="the language the message is rendered in")
    subject: str
    text: str
    html: str
    to: str | None = Field(description="the contact's e-mail address; null: none on record")
    postal_address: list[str] | None = Field(
        description="the addressee block, line by line (contact, customer, street, postal code "
                    "and city, region, country); null: the contact has no `address` detail")


class NoticeDeliveryReport(BaseModel):
    """What became of a letter: handed to the postal service (``delivered``) or not."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"outcome": "delivered", "reason": ""},
        {"outcome": "failed", "reason": "returned: addressee unknown"},
    ]})

    outcome: Literal["delivered", "failed"]
    reason: Text = ""
