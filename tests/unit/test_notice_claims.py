"""Delivery finds pending e-mails in the read model, trusts the account's notice book when
the read model lags, claims each notice before SMTP, and records a notice whose claim
outlived its holder as interrupted (with a task) instead of sending it again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from infra.bootstrap import Ledger
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.commands.notices import RecordNoticeDelivery
from ledger.notices.claims import INTERRUPTED, LEASE, NoticeClaims
from ledger.notices.delivery import DeliveryFailed, deliver_notices
from ledger.notices.rendering import Message
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.support.smtp_server import SmtpServer, smtp_server
from tests.unit.given import OPENED, an_invoice, events_of

DAY = date(2026, 4, 1)
NOTICE = "notice-20260401"
NOW = datetime(2026, 4, 1, 19, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def with_notices(port: int, *numbers: str) -> Ledger:
    ledger, _ = make_ledger(smtp_host="127.0.0.1", smtp_port=port, smtp_from="ar@example.com")
    for number in numbers:
        ledger.service.execute(OpenAccount(
            account=number, name=f"Debtor {number}", currency="USD", effective_on=OPENED,
            contact={"name": "Jo Bloggs", "email": f"ap@{number.lower()}.example.com"}), MANAGER)
        an_invoice(ledger.service, "INV-1", "100.00", account=number,
                   due_date=DAY - timedelta(days=3))
        ledger.service.execute(ProcessDay(account=number, day=DAY), SERVICE)
    return ledger


def claims(ledger: Ledger, who: str, at: datetime = NOW) -> NoticeClaims:
    return NoticeClaims(ledger.app.datastore.engine, who, clock=lambda: at)


def test_each_pending_email_is_claimed_and_sent_once(smtp: SmtpServer) -> None:
    ledger = with_notices(smtp.port, "ACC-1", "ACC-2")
    sender = ledger.notice_sender
    assert sender is not None

    done = deliver_notices(ledger.service, sender, claims(ledger, "server-a"))

    assert sorted((d.account, d.outcome) for d in done) == [
        ("ACC-1", "delivered"), ("ACC-2", "delivered")]
    assert sorted(r[0] for r in smtp.inbox.recipients) == [
        "ap@acc-1.example.com", "ap@acc-2.example.com"]
    holder = claims(ledger, "server-b").holder("ACC-1", NOTICE)
    assert holder is not None and (holder.claimed_by, holder.claimed_at) == ("server-a", NOW)
    assert deliver_notices(ledger.service, sender, claims(ledger, "server-b")) == []
    assert len(smtp.inbox.messages) == 2


def test_a_lagging_read_model_does_not_send_a_delivered_notice_again(
    smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger = with_notices(smtp.port, "ACC-1")
    ledger.read_models.catch_up()  # the read model says "sent"...
    ledger.service.execute(RecordNoticeDelivery(  # ...but the account says delivered
        account="ACC-1", notice_id=NOTICE, outcome="delivered"), SYSTEM)
    monkeypatch.setattr(ledger.read_models, "catch_up", lambda: 0)

    assert ledger.deliver_notices() == []
    assert smtp.inbox.messages == []


def test_a_notice_another_process_holds_is_left_to_it(smtp: SmtpServer) -> None:
    ledger = with_notices(smtp.port, "ACC-1")
    assert claims(ledger, "server-a").claim("ACC-1", NOTICE)
    sender = ledger.notice_sender
    assert sender is not None

    later = NOW + LEASE - timedelta(seconds=1)
    assert deliver_notices(ledger.service, sender, claims(ledger, "server-b", later)) == []

    assert smtp.inbox.messages == []
    assert events_of(ledger.service, "NoticeDelivered", "ACC-1") == []
    assert events_of(ledger.service, "NoticeFailed", "ACC-1") == []


def test_a_claim_whose_holder_died_is_recorded_interrupted_with_a_task_never_resent(
    smtp: SmtpServer,
) -> None:
    ledger = with_notices(smtp.port, "ACC-1")
    assert claims(ledger, "server-a").claim("ACC-1", NOTICE)  # then server-a died
    sender = ledger.notice_sender
    assert sender is not None

    (done,) = deliver_notices(ledger.service, sender, claims(ledger, "server-b", NOW + LEASE))

    assert (done.outcome, done.reason) == ("failed", INTERRUPTED)
    assert smtp.inbox.messages == []
    (failed,) = events_of(ledger.service, "NoticeFailed", "ACC-1")
    assert failed["payload"]["reason"] == INTERRUPTED
    (task,) = events_of(ledger.service, "TaskCreated", "ACC-1")
    assert (task["payload"]["rule"], task["payload"]["about"]) == ("notice-failed", NOTICE)
    assert claims(ledger, "x").holder("ACC-1", NOTICE).claimed_by == "server-b"  # type: ignore[union-attr]
    assert deliver_notices(ledger.service, sender,
                           claims(ledger, "server-c", NOW + 3 * LEASE)) == []


def test_of_two_processes_taking_over_a_dead_claim_one_does() -> None:
    ledger, _ = make_ledger()
    assert claims(ledger, "server-a").claim("ACC-1", NOTICE)
    late = NOW + LEASE

    taken = [claims(ledger, who, late).take_over("ACC-1", NOTICE) for who in ("b", "c")]

    assert taken == [True, False]
    assert not claims(ledger, "d", late + LEASE / 2).take_over("ACC-1", NOTICE)


class Refusing:
    """An SMTP server's refusal names the recipient, as smtplib's does."""

    def send(self, to: str, message: Message) -> None:
        raise DeliveryFailed(f"smtp 127.0.0.1:25: {{'{to}': (550, b'5.1.1 no such user')}}")


def test_a_refusal_is_recorded_without_the_address() -> None:
    ledger = with_notices(25, "ACC-1")

    (done,) = deliver_notices(ledger.service, Refusing(), claims(ledger, "server-a"))

    (failed,) = events_of(ledger.service, "NoticeFailed", "ACC-1")
    assert failed["payload"]["reason"] == done.reason
    assert "[address]" in done.reason and "example.com" not in done.reason
