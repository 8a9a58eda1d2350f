"""A statement on demand goes through the notices' pipeline: the e-mail over SMTP to a real
server (aiosmtpd), read back; the letter printed for the external mailer. And a `NoticeSent`
stored before statements (no ``credits``) still decodes, with its digest."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from uuid import UUID

import pytest
from pypdf import PdfReader

from infra.bootstrap import Ledger
from ledger.aggregates.digests import DIGEST
from ledger.audit.verification import verify_ledger
from ledger.commands.accounts import OpenAccount
from ledger.commands.collections import OpenDispute, ProcessDay
from ledger.commands.statements import SendStatement
from ledger.notices.delivery import notice_data
from ledger.notices.outgoing import outgoing_notice
from ledger.notices.rendering import render_notice
from ledger.projections.notices import NoticeFilter, notices
from tests.builders import AGENT, MANAGER, SERVICE, make_ledger, make_service
from tests.support.smtp_server import SmtpServer, smtp_server
from tests.unit.given import ACCOUNT, OPENED, a_payment, an_account, an_invoice, events_of

DAY = date(2026, 4, 1)
EMAIL = "jo.bloggs@example.com"
CONTACT = {"name": "Jo Bloggs", "email": EMAIL, "address": "12 Quay Street",
           "postal_code": "M3 3JZ", "city": "Manchester"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def a_ledger(port: int) -> Ledger:
    ledger, clock = make_ledger(smtp_host="127.0.0.1", smtp_port=port,
                                smtp_from="ar@example.com")
    clock.set_day(DAY)
    service = ledger.service
    service.execute(OpenAccount(account=ACCOUNT, name="Acme Trading", currency="USD",
                                effective_on=OPENED, contact=CONTACT), MANAGER)
    an_invoice(service, "INV-1", "1000.00", due_date=DAY - timedelta(days=40))
    an_invoice(service, "INV-2", "500.00", due_date=DAY + timedelta(days=10))
    service.execute(OpenDispute(account=ACCOUNT, dispute_id="D-1", invoice_id="INV-2",
                                amount="200.00", reason="short delivery", effective_on=DAY), AGENT)
    a_payment(service, "PAY-EUR", "150.00", DAY - timedelta(days=2), currency="EUR")
    return ledger


def send(ledger: Ledger, channel: str) -> None:
    ledger.service.execute(SendStatement(account=ACCOUNT, channel=channel, as_of=DAY,
                                         reason="asked by phone"), AGENT)


def test_a_statement_email_is_delivered_over_smtp_and_read_back(smtp: SmtpServer) -> None:
    ledger = a_ledger(smtp.port)
    send(ledger, "email")

    (done,) = ledger.deliver_notices()

    assert (done.notice_id, done.outcome) == ("statement-20260401-1", "delivered")
    (message,) = smtp.inbox.messages
    assert smtp.inbox.recipients == [[EMAIL]]
    assert message["Subject"] == f"Statement of account ({ACCOUNT})"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Dear Jo Bloggs," in text and "Acme Trading" in text
    assert "- Invoice INV-1, due Feb 20, 2026: $1,000.00\r\n" in text
    assert "- Invoice INV-2, due Apr 11, 2026: $500.00 (of which $200.00 disputed)" in text
    assert "Total open: $1,500.00" in text
    assert "Of which under dispute: $200.00" in text
    assert "Unapplied credit in your favour: €150.00" in text
    assert "<td>INV-2</td><td>Apr 11, 2026</td><td>$500.00</td><td>$200.00</td>" in html
    assert [e["payload"] for e in events_of(ledger.service, "NoticeDelivered")] == [
        {"notice_id": "statement-20260401-1", "channel": "email"}]
    assert ledger.deliver_notices() == []
    models = ledger.read_models
    models.catch_up()
    (row,) = models.read(lambda s: notices(s, models.tables("activity"),
                                           models.tables("open_items"), NoticeFilter()))
    assert (row.notice_id, row.level, row.template, row.status, row.invoices) == (
        "statement-20260401-1", "statement", "statement", "delivered", 2)
    assert row.amounts == {"USD": Decimal("1300.00")}, "the undisputed amounts, as listed"


def test_a_statement_letter_is_left_to_the_mailer_and_prints(smtp: SmtpServer) -> None:
    ledger = a_ledger(smtp.port)
    send(ledger, "letter")

    assert ledger.deliver_notices() == [] and smtp.inbox.messages == []
    assert ledger.service.account(ACCOUNT).notices_to_deliver("letter") == [
        "statement-20260401-1"]
    pdf = outgoing_notice(ledger.service, ACCOUNT, "statement-20260401-1").letter()
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for line in ("12 Quay Street", "M3 3JZ Manchester", "April 1, 2026",
                 "Statement of account (ACC-1)", "INV-1, due Feb 20, 2026: $1,000.00",
                 "Unapplied credit in your favour: €150.00"):
        assert line in text


def test_a_notice_stored_before_credits_decodes_with_its_digest(tmp_path: Path) -> None:
    """The store is written by today's code, then the notice's stored state is made what a
    release before statements wrote (no ``credits`` key, its digest computed without it)."""
    store = tmp_path / "ledger.db"
    service, clock = make_service(f"sqlite:///{store}")
    an_account(service)
    an_invoice(service, "INV-1", "100.00", due_date=DAY - timedelta(days=3))
    service.execute(ProcessDay(account=ACCOUNT, day=DAY), SERVICE)
    (stored,) = [e for e in service.app.events.get(service.account(ACCOUNT).id)
                 if type(e).__name__ == "NoticeSent"]
    with sqlite3.connect(store) as db:
        row_id, state = db.execute("SELECT id, state FROM ledger_events "
                                   "WHERE topic LIKE '%:NoticeSent'").fetchone()
        old = json.loads(state)
        del old["credits"]
        vars(stored).pop("credits")
        old[DIGEST] = stored.recomputed_digest()
        db.execute("UPDATE ledger_events SET state = ? WHERE id = ?",
                   (json.dumps(old).encode(), row_id))

    reopened, _ = make_service(f"sqlite:///{store}", clock=clock)
    account_id = UUID(str(reopened.account(ACCOUNT).id))
    (notice,) = [e for e in reopened.app.events.get(account_id)
                 if type(e).__name__ == "NoticeSent"]

    assert "credits" not in vars(notice) and notice.credits == ()
    assert notice.recomputed_digest() == notice.digest == old[DIGEST]
    assert verify_ledger(reopened.app).ok
    (record,) = events_of(reopened, "NoticeSent")
    data = notice_data(record, ACCOUNT, "Acme", {"name": "Jo"})
    assert data.credits == ()
    assert render_notice(data).subject == f"Payment reminder ({ACCOUNT})"
