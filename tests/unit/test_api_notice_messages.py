"""The external mailer's API: a notice's rendered message and recipient, its PDF letter, and
the mailer's report of what became of a letter; 410 once the contact is erased."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import httpx
import pytest
from pypdf import PdfReader

from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.base import Actor
from ledger.commands.collections import ProcessDay
from ledger.commands.receivables import IssueInvoice
from tests.builders import MANAGER, SERVICE
from tests.unit.api_world import TODAY, ApiWorld, problem_type

CONTACT = {"name": "Jo Bloggs", "email": "jo.bloggs@example.com", "language": "en",
           "address": "12 Quay Street", "postal_code": "M3 3JZ", "city": "Manchester",
           "country": "United Kingdom"}
NOTICE = f"notice-{TODAY:%Y%m%d}"


class MailerWorld(ApiWorld):
    def noticed(self, overdue_days: tuple[int, ...] = (35, 3),
                contact: dict[str, str] | None = None) -> str:
        """An account whose invoices are ``overdue_days`` past due today, after the day's
        dunning run (35 days: the built-in policy's final notice, a letter; 1 to 14 days:
        the first reminder, an e-mail)."""
        number = self.new_number()
        self.service.execute(OpenAccount(
            account=number, name="Acme Trading", currency="USD", effective_on=date(2025, 1, 1),
            contact=CONTACT if contact is None else contact), MANAGER)
        for n, days in enumerate(overdue_days, 1):
            self.service.execute(IssueInvoice(
                account=number, invoice_id=f"INV-{n}", amount=Decimal(f"{n}00.50"),
                currency="USD", issue_date=TODAY - timedelta(days=days + 30)), MANAGER)
        self.service.execute(ProcessDay(account=number, day=TODAY), SERVICE)
        return number

    def get(self, url: str, caller: str = "service") -> httpx.Response:
        return self.client.get(url, headers={"X-API-Key": self.keys[caller]})


@pytest.fixture(scope="module")
def world() -> Iterator[MailerWorld]:
    yield MailerWorld()


def notice_url(number: str, tail: str, notice_id: str = NOTICE) -> str:
    return f"/accounts/{number}/notices/{notice_id}/{tail}"


def test_mailer_reads_the_letters_message_and_postal_address(world: MailerWorld) -> None:
    number = world.noticed()

    response = world.client.get(notice_url(number, "message"),
                                headers={"X-API-Key": world.keys["service"]})

    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("channel", "level", "template", "language", "sent_on", "to")} == {
        "channel": "letter", "level": "final_notice", "template": "final_notice",
        "language": "en", "sent_on": TODAY.isoformat(), "to": "jo.bloggs@example.com"}
    assert body["postal_address"] == ["Jo Bloggs", "Acme Trading", "12 Quay Street",
                                      "M3 3JZ Manchester", "United Kingdom"]
    assert body["subject"] == f"Final notice ({number})"
    assert "Invoice INV-1, due Jan 6, 2026: $100.50 (final_notice)" in body["text"]
    assert "<td>$200.50</td>" in body["html"]


def test_mailer_prints_the_letter_as_pdf(world: MailerWorld) -> None:
    number = world.noticed()

    response = world.client.get(notice_url(number, "letter.pdf"),
                                headers={"X-API-Key": world.keys["manager"]})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    for expected in ("Jo Bloggs", "12 Quay Street", "M3 3JZ Manchester", "February 10, 2026",
                     "INV-1", "$100.50", "INV-2", "$200.50", "Total outstanding: $301.00"):
        assert expected in text


def test_a_notice_the_account_never_had_is_404_and_other_roles_are_refused(
    world: MailerWorld,
) -> None:
    number = world.noticed()

    missing = world.client.get(notice_url(number, "message", "notice-19990101"),
                               headers={"X-API-Key": world.keys["service"]})
    refused = world.client.get(notice_url(number, "letter.pdf"),
                               headers={"X-API-Key": world.keys["agent"]})

    assert missing.status_code == 404 and problem_type(missing) == "notice-not-found"
    assert refused.status_code == 403


def test_a_contact_without_a_street_line_gets_no_letter(world: MailerWorld) -> None:
    number = world.noticed(contact={"name": "Jo Bloggs", "email": "jo@example.com"})

    response = world.client.get(notice_url(number, "letter.pdf"),
                                headers={"X-API-Key": world.keys["service"]})
    message = world.client.get(notice_url(number, "message"),
                               headers={"X-API-Key": world.keys["service"]})

    assert response.status_code == 409 and problem_type(response) == "no-postal-address"
    assert message.status_code == 200 and message.json()["postal_address"] is None


def test_after_erasure_message_and_letter_are_gone(world: MailerWorld) -> None:
    number = world.noticed()
    world.service.execute(ErasePersonalData(account=number, reason="DSR-1"),
                          Actor("compliance-1", "compliance"))

    for tail in ("message", "letter.pdf"):
        response = world.client.get(notice_url(number, tail),
                                    headers={"X-API-Key": world.keys["service"]})
        assert response.status_code == 410, response.text
        assert problem_type(response) == "personal-data-erased"
        assert "erased" in response.json()["detail"]


def report(world: MailerWorld, number: str, body: dict[str, str], caller: str = "service",
           notice_id: str = NOTICE) -> httpx.Response:
    return world.client.post(notice_url(number, "deliveries", notice_id), json=body,
                             headers={"X-API-Key": world.keys[caller]})


def test_letters_are_issued_for_the_mailer_and_left_alone_by_the_smtp_step(
    world: MailerWorld,
) -> None:
    letter, email = world.noticed(), world.noticed(overdue_days=(3,))

    assert world.service.account(letter).notices_to_deliver() == []
    assert world.service.account(letter).notices_to_deliver("letter") == [NOTICE]
    assert world.service.account(email).notices_to_deliver() == [NOTICE]
    assert world.service.account(email).notices_to_deliver("letter") == []


def test_mailer_reports_a_letter_delivered_once(world: MailerWorld) -> None:
    number = world.noticed()

    first = report(world, number, {"outcome": "delivered"})
    again = report(world, number, {"outcome": "failed", "reason": "lost"}, caller="manager")

    assert first.status_code == 201, first.text
    assert first.json()["events"] == ["NoticeDelivered"]
    (event,) = [e for e in world.history(number) if e["type"] == "NoticeDelivered"]
    assert event["payload"] == {"notice_id": NOTICE, "channel": "letter"}
    assert event["actor_role"] == "service"
    assert again.status_code == 409 and "already delivered" in again.json()["detail"]


def test_a_failed_letter_raises_the_notice_failed_task(world: MailerWorld) -> None:
    number = world.noticed()

    response = report(world, number, {"outcome": "failed", "reason": "returned: gone away"})

    assert response.status_code == 201, response.text
    assert response.json()["events"] == ["NoticeFailed", "TaskCreated"]
    failed = [e["payload"] for e in world.history(number) if e["type"] == "NoticeFailed"]
    assert failed == [{"notice_id": NOTICE, "channel": "letter",
                       "reason": "returned: gone away"}]
    (task,) = world.service.account(number).tasks.values()
    assert task.rule == "notice-failed"


def test_a_report_on_an_email_notice_or_an_unknown_one_writes_nothing(
    world: MailerWorld,
) -> None:
    email = world.noticed(overdue_days=(3,))
    version = world.version(email)

    on_email = report(world, email, {"outcome": "delivered"})
    unknown = report(world, email, {"outcome": "delivered"}, notice_id="notice-19990101")
    bad = report(world, email, {"outcome": "lost"})
    agent = report(world, email, {"outcome": "delivered"}, caller="agent")

    assert on_email.status_code == 409
    assert problem_type(on_email) == "notice-channel-mismatch"
    assert "email notice, not a letter" in on_email.json()["detail"]
    assert unknown.status_code == 404 and problem_type(unknown) == "notice-not-found"
    assert bad.status_code == 422 and agent.status_code == 403
    assert world.version(email) == version
