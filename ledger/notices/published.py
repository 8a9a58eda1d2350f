"""A notice as the notices topic (``collections.notices.v1``) carries it to external mailers.

Mailers need to know that a notice is due and which API resources render it, never the
person it is for: the message holds the notice's facts from its `NoticeSent` (id, level,
channel, template, the invoices listed with their levels, due dates and amounts) with the
account number and the language the API will render it in, and no name, address or text.
The mailer fetches those through the API (``message``, ``letter.pdf``) while the account's
key exists; after erasure they are gone (410), and so is the language (null).

Pure: the notices relay (`consumers.notices_relay`) decodes the stored event, looks the
language up with the account's key, and sends the bytes `notice_message` returns. The same
stored event always makes the same bytes, keyed by the account number, so one account's
notices keep their order and a re-sent one is recognisable by its ``event_id``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.aggregates.dunning import NoticeSent
from ledger.event_messages import EventMessage, event_id_of

NOTICES_TOPIC: Final = "collections.notices.v1"
AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
CONTENT_TYPE = b"application/json"


class PublishedInvoice(BaseModel):
    """One invoice the notice lists: what the customer is asked to pay for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invoice_id: str
    level: str = Field(description="the dunning level this invoice reached")
    due_date: date
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")
    amount: Annotated[str, Field(pattern=AMOUNT_PATTERN,
                                 description="the undisputed amount asked for, exact decimal "
                                             "in the currency's minor units")]


class PublishedNotice(BaseModel):
    """One message per `NoticeSent`; ``(account, notice_id)`` names the notice in the API."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="collections.notices.v1 notice",
                              json_schema_serialization_defaults_required=True)

    schema_name: Literal["collections.notices.v1"] = Field(
        default=NOTICES_TOPIC, alias="schema", description="the message's form and version")
    event_id: str = Field(description="the NoticeSent's event id on collections.events.v1: "
                                      "the same on every re-send, de-duplicate on it")
    notice_id: str
    account: str = Field(description="the account number the API addresses it by")
    sent_on: date = Field(description="the business day the dunning run issued it")
    level: str = Field(description="the highest dunning level of its invoices")
    channel: str = Field(description="email, letter or call_task")
    template: str
    language: str | None = Field(
        description="the language the API renders it in; null once the contact is erased")
    invoices: list[PublishedInvoice]
    message: str = Field(description="the API path of the rendered message and recipient")
    letter: str = Field(description="the API path of the PDF letter")


def published_notice(event: NoticeSent, account: str, language: str | None) -> PublishedNotice:
    """The message of a stored `NoticeSent` of ``account`` (its number), to be rendered in
    ``language`` (None: the contact is erased)."""
    path = f"/accounts/{account}/notices/{event.notice_id}"
    return PublishedNotice(
        event_id=str(event_id_of(event.originator_id, event.originator_version)),
        notice_id=event.notice_id, account=account, sent_on=event.effective_on,
        level=event.level, channel=event.channel, template=event.template, language=language,
        invoices=[_invoice(line, event.effective_on) for line in event.invoices],
        message=f"{path}/message", letter=f"{path}/letter.pdf")


def _invoice(line: dict[str, str | int], sent_on: date) -> PublishedInvoice:
    return PublishedInvoice(
        invoice_id=str(line["invoice_id"]), level=str(line["level"]),
        due_date=sent_on - timedelta(days=int(line["days_past_due"])),
        currency=str(line["currency"]), amount=str(line["amount"]))


def notice_message(notice: PublishedNotice) -> EventMessage:
    """Keyed by the account number; UTF-8 JSON, keys sorted, no whitespace."""
    value = json.dumps(notice.model_dump(mode="json", by_alias=True), sort_keys=True,
                       separators=(",", ":"), ensure_ascii=False)
    return EventMessage(
        key=notice.account.encode(), value=value.encode(),
        headers=[("schema", NOTICES_TOPIC.encode()), ("content-type", CONTENT_TYPE),
                 ("notice-id", notice.notice_id.encode()),
                 ("event-id", notice.event_id.encode())])
