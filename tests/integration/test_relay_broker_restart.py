"""The broker goes away and a new one takes its port: the relay backs off, reconnects, and
continues from its stored position without skipping one.

The test has a private broker (the session's must not be stopped). Tansu keeps nothing
across a restart (memory storage), which is the hard case: the topic must be created again
with the relay's partition count (not auto-created with the broker's), and the idempotent
producer must be replaced because the new broker never heard of its producer id. Events
the old broker acknowledged died with it; everything after the relay's position at the
moment of the outage must reach the new broker.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from consumers.relay import Relay, RelayOptions
from infra.kafka_clients import KafkaSettings, new_consumer
from ledger.commands.receivables import IssueInvoice
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
from tests.integration.relay_checks import (
    assert_in_account_order,
    deduplicated,
    read_topic,
    store_positions,
    wait_until,
)
from tests.support.kafka_broker import TansuBroker
from tests.support.reliability import RecordFigures
from tests.unit.given import an_account

pytestmark = pytest.mark.kafka

TOPIC = "collections.events.v1"
PARTITIONS = 3  # not Tansu's auto-create default (4), so a re-created topic shows who made it


def quick_settings(bootstrap: str) -> KafkaSettings:
    """Fail fast while the broker is down, so the test spends seconds, not minutes."""
    return KafkaSettings(
        bootstrap=bootstrap, client_id="colledger-relay-test", request_timeout_ms=2_000,
        bootstrap_timeout_ms=2_000, delivery_timeout_ms=4_000, reconnect_backoff_max_ms=200,
    )


def invoices(service: LedgerService, accounts: list[str], number: int) -> None:
    for account in accounts:
        service.execute(IssueInvoice(
            account=account, invoice_id=f"INV-{number}", amount=Decimal("125.40"),
            currency="USD", issue_date=date(2026, 1, 2),
        ), MANAGER)


@pytest.fixture
def old_broker() -> Iterator[TansuBroker]:
    with TansuBroker() as broker:
        yield broker


@pytest.mark.parametrize("writes_during_outage", [True, False], ids=["busy", "idle"])
def test_a_replaced_broker_gets_every_event_after_the_relays_position(
    tmp_path: Path, old_broker: TansuBroker, writes_during_outage: bool,
    record_figures: RecordFigures,
) -> None:
    """Busy: the relay fails while no broker is there and backs off until the new one is up.
    Idle: nothing to send during the outage, so the first send after it goes through the old
    producer to the new broker, which does not know its producer id."""
    service, _ = make_service(f"sqlite:///{tmp_path / 'ledger.db'}")
    settings = quick_settings(old_broker.bootstrap)
    advances: list[tuple[int, int]] = []
    relay = Relay(service.app, settings,
                  RelayOptions(topic=TOPIC, partitions=PARTITIONS, batch_size=5,
                               backoff_initial=0.05, backoff_max=0.5),
                  on_advance=lambda before, after, _: advances.append((before, after)))
    accounts = ["ACC-B1", "ACC-B2", "ACC-B3"]
    for account in accounts:
        an_account(service, account)
    invoices(service, accounts, 1)
    stop = relay.start_background()
    try:
        wait_until(lambda: relay.position() == store_positions(service)[-1], "first events out")
        before_outage = relay.position()
        assert len(read_topic(settings, TOPIC, before_outage)) == before_outage

        old_broker.stop()
        if writes_during_outage:
            invoices(service, accounts, 2)
            an_account(service, "ACC-B4")
            wait_until(lambda: relay.stats.failures >= 1, "the relay noticed the outage")
        assert relay.position() == before_outage

        with TansuBroker(port=old_broker.port) as new_broker:
            if not writes_during_outage:
                invoices(service, accounts, 2)
                an_account(service, "ACC-B4")
            invoices(service, [*accounts, "ACC-B4"], 3)
            last = store_positions(service)[-1]
            wait_until(lambda: relay.position() == last, "the relay caught up on the new broker",
                       seconds=60)

            received = read_topic(quick_settings(new_broker.bootstrap), TOPIC,
                                  last - before_outage)
            consumer = new_consumer(settings, group_id=None)
            partitions = consumer.partitions_for_topic(TOPIC)
            consumer.close()
    finally:
        stop()

    after_outage = [p for p in store_positions(service) if p > before_outage]
    unique = deduplicated(received)
    record_figures({
        "brokers replaced under a running relay": 1, "events after the outage": len(after_outage),
        "events lost": len(set(after_outage) - {m.envelope["position"] for m in unique}),
        "relay send failures": relay.stats.failures,
    })
    assert sorted(m.envelope["position"] for m in unique) == after_outage
    assert_in_account_order(unique, first_version=None)
    assert {m.envelope["version"] for m in unique if m.envelope["account_number"] == "ACC-B4"} == {
        1, 2}
    if writes_during_outage:
        assert partitions == set(range(PARTITIONS)), "the relay re-created its topic"
    # Idle, the old producer's metadata request reaches the new broker first, and Tansu
    # auto-creates the topic (4 partitions) although the producer asks it not to; Apache
    # Kafka honours the request, so there the relay creates the topic.
    assert relay.stats.connections >= 2 and relay.stats.failures >= 1
    assert advances[0][0] == 0 and advances[-1][1] == last
    for (_, reached), (start, _) in zip(advances, advances[1:], strict=False):
        assert start == reached, f"the position jumped: {advances}"
    print(f"\n[relay] outage at {before_outage}/{last}: {relay.stats}")
