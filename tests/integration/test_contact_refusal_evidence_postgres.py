"""A refused contact kept as evidence on a real PostgreSQL server, retried at once by racers.

Four requests with one command id arrive together: each is refused, and the account's
compliance stream keeps one refusal (the losers of the race for its next version retry
and find it), while the account itself is untouched.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from threading import Barrier

import pytest

from ledger.aggregates.errors import ContactRefused
from ledger.audit.refusal_records import refusal_records
from ledger.audit.verification import verify_ledger
from ledger.commands.collections import RecordContact
from tests.builders import AGENT, make_service
from tests.unit.given import ACCOUNT, an_account, an_invoice

pytestmark = pytest.mark.postgres
LATE = RecordContact(account=ACCOUNT, command_id="late-call", contact_id="CT-LATE",
                     channel="call", outcome="no_answer", at=datetime(2026, 2, 10, 21, 30,
                                                                      tzinfo=UTC))


def call(database_url: str, start: Barrier, _: int) -> str:
    service, clock = make_service(database_url)
    clock.set_day(datetime(2026, 2, 11, tzinfo=UTC).date())
    try:
        start.wait()
        service.execute(LATE, AGENT)
        return "recorded"
    except ContactRefused as refused:
        return refused.rule_id
    finally:
        service.app.close()
        service.app.datastore.engine.dispose()


def test_a_refused_call_retried_at_once_is_kept_once(postgres_database_url: str) -> None:
    service, clock = make_service(postgres_database_url)
    clock.set_day(datetime(2026, 2, 11, tzinfo=UTC).date())
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    version = service.current_version(ACCOUNT)
    start = Barrier(4)

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(partial(call, postgres_database_url, start), range(4)))

    assert outcomes == ["call-hours"] * 4
    [refusal] = refusal_records(service.app, ACCOUNT)
    assert refusal["payload"]["rule"] == "call-hours"
    assert refusal["command_id"] == "late-call"
    assert service.current_version(ACCOUNT) == version
    assert verify_ledger(service.app).ok
