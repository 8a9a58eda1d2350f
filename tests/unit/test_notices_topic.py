"""The notices topic's message: one per `NoticeSent`, keyed by account, the notice's facts
and the language it is rendered in, valid against its committed schema, without a name, an
address or a word of the text; the language gone once the contact is erased."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import jsonschema

from ledger.aggregates.dunning import NoticeSent
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.base import Actor
from ledger.commands.collections import ProcessDay
from ledger.event_messages import EventMessage
from ledger.notices.published import notice_message, published_notice
from ledger.notices.published_schema import SCHEMA_PATH, notice_schema
from ledger.service import LedgerService
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.unit.given import OPENED, an_invoice

DAY = date(2026, 4, 1)
CONTACT = {"name": "Jo Bloggs", "email": "jo.bloggs@example.com", "language": "en",
           "address": "12 Quay Street", "city": "Manchester"}
PERSONAL = ("Jo Bloggs", "jo.bloggs", "Quay Street", "Manchester", "Debtor Ltd")


def noticed(service: LedgerService, number: str = "ACC-1") -> NoticeSent:
    service.execute(OpenAccount(account=number, name="Debtor Ltd", currency="EUR",
                                effective_on=OPENED, contact=CONTACT), MANAGER)
    an_invoice(service, "INV-1", "100.50", account=number, currency="EUR",
               due_date=DAY - timedelta(days=3))
    an_invoice(service, "INV-2", "2000.00", account=number, currency="EUR",
               due_date=DAY - timedelta(days=40))
    service.execute(ProcessDay(account=number, day=DAY), SERVICE)
    (event,) = [e for e in service.app.account_events(service.account(number).id)
                if isinstance(e, NoticeSent)]
    return event


def body(message: EventMessage) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(message.value)
    return decoded


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    assert committed == notice_schema(), "run make schemas"
    assert committed["additionalProperties"] is False


def test_a_notice_message_lists_the_notice_and_nothing_personal() -> None:
    ledger, _ = make_ledger()
    event = noticed(ledger.service)

    message = notice_message(published_notice(event, "ACC-1", "en"))

    sent = body(message)
    jsonschema.validate(sent, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert message.key == b"ACC-1"
    assert {k: sent[k] for k in ("schema", "notice_id", "account", "sent_on", "level",
                                 "channel", "template", "language")} == {
        "schema": "collections.notices.v1", "notice_id": "notice-20260401", "account": "ACC-1",
        "sent_on": "2026-04-01", "level": event.level, "channel": event.channel,
        "template": event.template, "language": "en"}
    assert sorted(sent["invoices"], key=lambda i: i["invoice_id"]) == [
        {"invoice_id": "INV-1", "level": "reminder_1", "due_date": "2026-03-29",
         "currency": "EUR", "amount": "100.50"},
        {"invoice_id": "INV-2", "level": event.level, "due_date": "2026-02-20",
         "currency": "EUR", "amount": "2000.00"}]
    assert sent["message"] == "/accounts/ACC-1/notices/notice-20260401/message"
    assert dict(message.headers)["notice-id"] == b"notice-20260401"
    assert not [word for word in PERSONAL if word.encode() in message.value]


def test_the_same_event_makes_the_same_bytes() -> None:
    ledger, _ = make_ledger()
    event = noticed(ledger.service)

    first, again = (notice_message(published_notice(event, "ACC-1", "en")) for _ in range(2))

    assert first == again
    assert body(first)["event_id"] == body(again)["event_id"]


def test_an_erased_contact_has_no_language_and_the_message_stays_valid() -> None:
    ledger, _ = make_ledger()
    event = noticed(ledger.service)
    ledger.service.execute(ErasePersonalData(account="ACC-1", reason="DSR-1"),
                           Actor("dpo-1", "compliance"))

    sent = body(notice_message(published_notice(event, "ACC-1", None)))

    jsonschema.validate(sent, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert sent["language"] is None
