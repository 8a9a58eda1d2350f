"""Notices delivered over SMTP to a real server (aiosmtpd), read back from it; failures
recorded with a task; an erased contact gets nothing; events hold no address."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from infra.bootstrap import Ledger
from infra.dunning_file import EXAMPLE_FILE
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.base import Actor
from ledger.commands.collections import ProcessDay
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.support.smtp_server import SmtpServer, free_port, smtp_server
from tests.unit.given import ACCOUNT, OPENED, an_invoice, events_of

DAY = date(2026, 4, 1)
EMAIL = "jo.bloggs@example.com"
COMPLIANCE = Actor("compliance-1", "compliance")
ALL_BY_EMAIL = EXAMPLE_FILE.read_text().replace(
    'channel = "letter"\ntemplate = "final_notice"',
    'channel = "email"\ntemplate = "final_notice"').replace(
    "effective_from = 2000-01-01", "effective_from = 2001-01-01")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def a_ledger(tmp_path: Path, port: int) -> Ledger:
    policy = tmp_path / "dunning.toml"
    policy.write_text(ALL_BY_EMAIL)
    ledger, _ = make_ledger(dunning_policy_file=policy, smtp_host="127.0.0.1",
                            smtp_port=port, smtp_from="ar@example.com")
    ledger.service.execute(OpenAccount(
        account=ACCOUNT, name="Acme Trading", currency="USD", effective_on=OPENED,
        contact={"name": "Jo Bloggs", "email": EMAIL}), MANAGER)
    for invoice_id, amount, days in (("INV-1", "100.00", 2), ("INV-2", "2200.00", 20),
                                     ("INV-3", "300.00", 35)):
        an_invoice(ledger.service, invoice_id, amount, due_date=DAY - timedelta(days=days))
    ledger.service.execute(ProcessDay(account=ACCOUNT, day=DAY), SERVICE)
    return ledger


def test_invoices_at_three_levels_arrive_as_one_email_at_the_highest_level(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    ledger = a_ledger(tmp_path, smtp.port)

    (done,) = ledger.deliver_notices()

    assert done.outcome == "delivered"
    (message,) = smtp.inbox.messages
    assert smtp.inbox.recipients == [[EMAIL]]
    assert message["Subject"] == f"Final notice ({ACCOUNT})"
    assert message["From"] == "ar@example.com"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Dear Jo Bloggs," in text
    for line in ("Invoice INV-3, due Feb 25, 2026: $300.00 (final_notice)",
                 "Invoice INV-2, due Mar 12, 2026: $2,200.00 (reminder_2)",
                 "Invoice INV-1, due Mar 30, 2026: $100.00 (reminder_1)"):
        assert line in text
    assert "<td>$2,200.00</td>" in html and "Acme Trading" in html
    delivered = events_of(ledger.service, "NoticeDelivered")
    assert [e["payload"] for e in delivered] == [
        {"notice_id": "notice-20260401", "channel": "email"}]
    assert ledger.deliver_notices() == []  # delivered once


def test_an_unreachable_smtp_server_records_notice_failed_and_a_task(tmp_path: Path) -> None:
    ledger = a_ledger(tmp_path, free_port())

    (done,) = ledger.deliver_notices()

    assert done.outcome == "failed"
    (failed,) = events_of(ledger.service, "NoticeFailed")
    assert failed["payload"]["notice_id"] == "notice-20260401"
    assert failed["payload"]["reason"].startswith("smtp 127.0.0.1:")
    (task,) = events_of(ledger.service, "TaskCreated")
    assert (task["payload"]["rule"], task["payload"]["about"]) == (
        "notice-failed", "notice-20260401")


def test_an_erased_contact_gets_no_email(tmp_path: Path, smtp: SmtpServer) -> None:
    ledger = a_ledger(tmp_path, smtp.port)
    ledger.service.execute(ErasePersonalData(account=ACCOUNT, reason="request"), COMPLIANCE)

    (done,) = ledger.deliver_notices()

    assert smtp.inbox.messages == []
    assert (done.outcome, done.reason) == ("failed", "contact erased")
    assert events_of(ledger.service, "TaskCreated") == []


def test_the_events_hold_no_email_address_or_names(tmp_path: Path, smtp: SmtpServer) -> None:
    ledger = a_ledger(tmp_path, smtp.port)
    ledger.deliver_notices()
    stored = list(ledger.app.account_events(ledger.service.account(ACCOUNT).id))
    dumped = json.dumps([vars(event) for event in stored], default=str)
    assert EMAIL not in dumped and "Jo Bloggs" not in dumped
