"""Two servers delivering notices at once on one PostgreSQL store, through a real SMTP
server (aiosmtpd): every notice is received exactly once and recorded once."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.commands.accounts import OpenAccount
from ledger.commands.collections import ProcessDay
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.support.smtp_server import smtp_server
from tests.unit.given import OPENED, an_invoice, events_of

DAY = date(2026, 4, 1)
ACCOUNTS = [f"ACC-{n:03d}" for n in range(40)]

pytestmark = pytest.mark.postgres


def a_server_delivering(url: str, port: int, start: Any, results: Any) -> None:
    """One server's delivery, run as soon as the other is ready too."""
    ledger = bootstrap(Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port,
                                smtp_from="ar@example.com"))
    start.wait(timeout=60)
    results.put([(d.account, d.notice_id, d.outcome) for d in ledger.deliver_notices()])


def test_two_servers_delivering_at_once_send_each_notice_exactly_once(
    postgres_database_url: str,
) -> None:
    ledger, _ = make_ledger(postgres_database_url)
    for number in ACCOUNTS:
        ledger.service.execute(OpenAccount(
            account=number, name=f"Debtor {number}", currency="USD", effective_on=OPENED,
            contact={"name": "Jo Bloggs", "email": f"ap@{number.lower()}.example.com"}), MANAGER)
        an_invoice(ledger.service, "INV-1", "100.00", account=number,
                   due_date=DAY - timedelta(days=3))
        ledger.service.execute(ProcessDay(account=number, day=DAY), SERVICE)

    with smtp_server() as smtp:
        context = multiprocessing.get_context("spawn")
        start, results = context.Barrier(2), context.Queue()
        servers = [context.Process(target=a_server_delivering,
                                   args=(postgres_database_url, smtp.port, start, results))
                   for _ in range(2)]
        for server in servers:
            server.start()
        delivered = [results.get(timeout=180) for _ in servers]
        for server in servers:
            server.join(60)
        received = Counter(to for recipients in smtp.inbox.recipients for to in recipients)

    assert received == Counter(f"ap@{n.lower()}.example.com" for n in ACCOUNTS)
    assert Counter(d for each in delivered for d in each) == Counter(
        (n, "notice-20260401", "delivered") for n in ACCOUNTS), delivered
    for number in ACCOUNTS:
        assert len(events_of(ledger.service, "NoticeDelivered", number)) == 1, number
        assert events_of(ledger.service, "NoticeFailed", number) == []
    ledger.read_models.catch_up()
    counts = ledger.read_models.read(lambda s: s.execute(
        ledger.read_models.tables("activity")["notices"].select()).all())
    assert Counter(r.status for r in counts) == {"delivered": len(ACCOUNTS)}
