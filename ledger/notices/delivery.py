"""Delivering the notices the dunning run issued by e-mail, and recording what became of
each (`RecordNoticeDelivery`).

The e-mail notices still ``sent`` are found in the notices read model (an indexed query,
`ledger.projections.notices.pending_emails`), never by loading every account. The read
model may lag: each account found is loaded and its notice book, the truth, says which
notices are still to deliver (one delivered meanwhile is skipped; one not projected yet
is found by the next delivery). Before a notice goes to SMTP it is claimed in the store
(`ledger.notices.claims`), so of two servers delivering at once one sends it; a claim
whose holder died before recording the outcome is, after its lease, recorded failed
(``delivery interrupted``, with the notice-failed task) rather than sent again.

For each notice: the contact's address and name are revealed with the account's key, the
notice rendered in the contact's language (its ``language`` detail, else English) and
handed to the sender. Delivered or failed is recorded on the account; the events hold the
notice id and a reason, never the address (taken out of a server's refusal too) or the
text. An erased contact gets nothing: its notice is recorded failed with reason
``contact erased`` (no task: nothing an agent could do with it), so it is not retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any, Literal, Protocol

from ledger.aggregates.errors import AccountStandingConflict
from ledger.aggregates.notices import CONTACT_ERASED
from ledger.commands.base import SYSTEM
from ledger.commands.notices import RecordNoticeDelivery
from ledger.notices.claims import INTERRUPTED, NoticeClaims
from ledger.notices.rendering import Message, NoticeData, NoticeLine, render_notice
from ledger.projections.notices import pending_emails
from ledger.service import LedgerService

log = logging.getLogger("notices")
PAGE = 500


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


def deliver_notices(service: LedgerService, sender: Sender,
                    claims: NoticeClaims | None = None) -> list[Delivered]:
    """Every e-mail notice issued and not yet delivered, each handed to ``sender`` by
    this process only if it claims it first (``claims``: in the store's database)."""
    claims = claims or NoticeClaims(service.app.datastore.engine)
    models = service.read_models
    models.catch_up()
    activity, open_items = models.tables("activity"), models.tables("open_items")

    def page_after(position: int) -> list[tuple[int, str, str]]:
        return models.read(lambda s: pending_emails(s, activity, open_items, position, PAGE))

    done: list[Delivered] = []
    after = 0
    while page := page_after(after):
        after = page[-1][0]
        for number, found in groupby(sorted(page, key=lambda p: p[1]), key=lambda p: p[1]):
            done += _deliver_account(service, sender, claims, number, [f[2] for f in found])
    return done


def _deliver_account(service: LedgerService, sender: Sender, claims: NoticeClaims,
                     number: str, listed: list[str]) -> list[Delivered]:
    account = service.account(number)
    pending = [n for n in account.notices_to_deliver() if n in listed]
    if not pending:
        return []
    issued = {e["payload"]["notice_id"]: e for e in service.history(number)
              if e["type"] == "NoticeSent" and e["payload"]["notice_id"] in pending}
    contact = service.contact(account) or {}
    done = []
    for notice_id in pending:
        if not claims.claim(number, notice_id):
            if claims.take_over(number, notice_id):
                log.warning("notice %s of %s: its deliverer died before recording what "
                            "became of it; recorded %r", notice_id, number, INTERRUPTED)
                outcome = _Outcome("failed", INTERRUPTED)
                if _record(service, number, notice_id, outcome, "interrupted"):
                    done.append(Delivered(number, notice_id, outcome.outcome, outcome.reason))
            continue
        outcome = _deliver(sender, account.name, number, contact, issued[notice_id])
        if _record(service, number, notice_id, outcome, "deliver"):
            done.append(Delivered(number, notice_id, outcome.outcome, outcome.reason))
    return done


def _record(service: LedgerService, number: str, notice_id: str, outcome: _Outcome,
            step: str) -> bool:
    """False when the notice's outcome was recorded meanwhile (a claim taken over after
    its lease records it interrupted; the holder's late outcome then stays unrecorded)."""
    try:
        service.execute(RecordNoticeDelivery(
            account=number, notice_id=notice_id, outcome=outcome.outcome,
            reason=outcome.reason, command_id=f"{step}:{notice_id}:{number}"), SYSTEM)
    except AccountStandingConflict as already:
        log.warning("notice %s of %s was %s, but: %s", notice_id, number, outcome.outcome,
                    already)
        return False
    return True


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
        reason = str(failure).replace(str(address), "[address]")[:200]
        log.warning("notice %s of %s not delivered: %s", event["payload"]["notice_id"],
                    number, reason)
        return _Outcome("failed", reason)
    return _Outcome("delivered")


def notice_data(event: dict[str, Any], number: str, name: str,
                contact: dict[str, Any]) -> NoticeData:
    """A statement's lines carry their ``disputed`` part and the notice its ``credits``; a
    dunning notice (and one recorded before statements) has neither: zero and none."""
    payload = event["payload"]
    day = date.fromisoformat(str(event["effective_on"]))
    lines = tuple(NoticeLine(str(line["invoice_id"]), str(line["level"]),
                             day - timedelta(days=int(line["days_past_due"])),
                             str(line["currency"]), Decimal(str(line["amount"])),
                             Decimal(str(line.get("disputed", "0"))))
                  for line in payload["invoices"])
    credits = tuple((str(credit["currency"]), Decimal(str(credit["amount"])))
                    for credit in payload.get("credits") or ())
    return NoticeData(payload["template"], payload["level"], number, name,
                      str(contact.get("name") or name), lines,
                      str(contact.get("language") or "en"), credits)
