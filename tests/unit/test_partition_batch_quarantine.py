"""A Kafka projection worker quarantines an account it cannot apply an event of, and goes on
with the partition: no broker, messages made by `event_message` as the relay makes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine

from consumers.projection_worker import decode
from ledger.event_messages import event_message
from ledger.projections import kafka_tracking, quarantine
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import make_service
from tests.earlier_release import HUGE, invoice_from_earlier_release
from tests.unit.given import an_account, an_invoice
from tests.unit.test_partition_batch import PARTITION, apply, worker_for


def messages(service: LedgerService, after: int = 0) -> list:  # type: ignore[type-arg]
    notifications = service.app.recorder.select_notifications(start=after + 1, limit=1000)
    return [decode(event_message(service.app.mapper.to_domain_event(n), n.id).value,
                   n.id - 1) for n in notifications]


def test_the_worker_quarantines_the_account_and_applies_the_rest_of_the_partition(
    tmp_path: Path,
) -> None:
    store, _ = make_service()
    an_account(store, "ACC-1")
    an_invoice(store, "INV-1", "100.00", account="ACC-1")
    bad = invoice_from_earlier_release(store, "ACC-1", "INV-BIG", HUGE)
    an_account(store, "ACC-2")
    an_invoice(store, "INV-1", "200.00", account="ACC-2")
    url = f"sqlite:///{tmp_path / 'read_models.db'}"
    worker = worker_for(create_engine(url))
    assert worker.stored_offset(PARTITION) == kafka_tracking.NOTHING_APPLIED  # claims it

    first = apply(worker, kafka_tracking.NOTHING_APPLIED, messages(store))
    an_invoice(store, "INV-2", "1.00", account="ACC-1")
    an_invoice(store, "INV-2", "2.00", account="ACC-2")
    second = apply(worker, first.last_offset, messages(store, after=first.last_offset + 1))

    assert [(q.account_number, q.position, q.version) for q in first.quarantined] == [
        ("ACC-1", bad, 3)]
    assert (first.applied, second.applied, second.quarantined) == (5, 2, ())
    assert worker.stored_offset(PARTITION) == second.last_offset
    reads = ReadModels(make_service(url)[0].app)
    assert {r.key: r.total for r in reads.aging(date(2026, 3, 31))} == {"ACC-2": Decimal("202.00")}
    [held] = reads.read(lambda session: quarantine.stored(session))
    assert held.skipped == 2, "the bad invoice and ACC-1's next one"
