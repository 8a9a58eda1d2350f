"""Delivering the notices the dunning run issued by e-mail, and recording what became of
each (`RecordNoticeDelivery`).

For every account with an e-mail notice still ``issued``: the contact's address and name
are revealed with the account's key, the notice rendered in the contact's language (its
``language`` detail, else English) and handed to the sender. Delivered or failed is
recorded on the account; the events hold the notice id and a reason, never the address
or the text. An erased contact gets nothing: its notice is recorded failed with reason
``contact erased`` (no task: nothing an agent could do with it), so it is not retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, Protocol

from ledger.aggregates.notices import CONTACT_ERASED
from ledger.commands.base import SYSTEM
from ledger.commands.notices import RecordNoticeDelivery
from ledger.notices.rendering import Message, NoticeData, NoticeLine, render_notice
from ledger.service import LedgerService

log = logging.getLogger("notices")


class DeliveryFailed(Exception):
    """The sender could not hand the message over; its words are the recorded reason."""


class Sender(Protocol):
    def send(self, to: str, message: Message) -> None: ...


@dataclass(frozen=True)
class Delivered:
    account: str
    notice_id: str
    outcome: str
    reason: str = ""


def deliver_notices(service: LedgerService, sender: Sender) -> list[Delivered]:
    done = []
    for number in service.account_numbers():
        account = service.account(number)
        pending = account.notices_to_deliver()
        if not pending:
            continue
        issued = {e["payload"]["notice_id"]: e for e in service.history(number)
                  if e["type"] == "NoticeSent" and e["payload"]["notice_id"] in pending}
        contact = service.contact(account) or {}
        for notice_id in pending:
            outcome = _deliver(sender, account.name, number, contact, issued[notice_id])
            service.execute(RecordNoticeDelivery(
                account=number, notice_id=notice_id, outcome=outcome.outcome,
                reason=outcome.reason, command_id=f"deliver:{notice_id}:{number}"), SYSTEM)
            done.append(Delivered(number, notice_id, outcome.outcome, outcome.reason))
    return done


@dataclass(frozen=True)
class _Outcome:
    outcome: Literal["delivered", "failed"]
    reason: str = ""


def _deliver(sender: Sender, name: str, number: str, contact: dict[str, Any],
             event: dict[str, Any]) -> _Outcome:
    address = contact.get("email")
    if not contact or all(value is None for value in contact.values()):
        return _Outcome("failed", CONTACT_ERASED)
    if not address:
        return _Outcome("failed", "no e-mail address")
    message = render_notice(notice_data(event, number, name, contact))
    try:
        sender.send(str(address), message)
    except DeliveryFailed as failure:
        log.warning("notice %s of %s not delivered: %s", event["payload"]["notice_id"],
                    number, failure)
        return _Outcome("failed", str(failure)[:200])
    return _Outcome("delivered")


def notice_data(event: dict[str, Any], number: str, name: str,
                contact: dict[str, Any]) -> NoticeData:
    payload = event["payload"]
    day = date.fromisoformat(str(event["effective_on"]))
    lines = tuple(NoticeLine(str(line["invoice_id"]), str(line["level"]),
                             day - timedelta(days=int(line["days_past_due"])),
                             str(line["currency"]), Decimal(str(line["amount"])))
                  for line in payload["invoices"])
    return NoticeData(payload["template"], payload["level"], number, name,
                      str(contact.get("name") or name), lines,
                      str(contact.get("language") or "en"))
