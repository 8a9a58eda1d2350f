"""`bootstrap` wires the whole ledger on one store; entry points take what they need from it."""

from __future__ import annotations

import pytest

from infra.migrations.runner import current, heads
from tests.builders import make_ledger

KAFKA = {"kafka_bootstrap": "127.0.0.1:9"}  # nothing listens: factories only, no connection


def test_the_service_read_models_and_keys_share_one_store_at_the_latest_schema() -> None:
    ledger, _ = make_ledger()

    assert ledger.read_models.app is ledger.service.app is ledger.keys.app is ledger.app
    with ledger.app.datastore.engine.connect() as connection:
        assert current(connection) == heads()


def test_the_read_models_take_their_batch_size_from_the_settings() -> None:
    ledger, _ = make_ledger(projection_batch_size=37)

    assert ledger.read_models.runner.batch_size == 37
    assert ledger.read_models.runner.after_batch is not None, "periodic checkpoints"


def test_the_relay_publishes_to_the_configured_topic() -> None:
    ledger, _ = make_ledger(events_topic="events.test", events_partitions=3, **KAFKA)

    relay = ledger.relay(batch_size=7)

    assert (relay.options.topic, relay.options.partitions, relay.options.batch_size) == (
        "events.test", 3, 7)
    assert relay.app is ledger.app


def test_a_feed_consumes_its_configured_topic_in_its_own_group_by_default() -> None:
    ledger, _ = make_ledger(bank_payments_topic="bank.test", **KAFKA)

    feed = ledger.feed("bank-payments", max_messages=5)
    other = ledger.feed("erp-invoices", group="mine")

    assert (feed.options.topic, feed.options.group, feed.options.max_messages) == (
        "bank.test", f"colledger-{feed.feed.name}", 5)
    assert (other.options.topic, other.options.group) == ("erp.invoices.v1", "mine")
    assert feed.service is ledger.service
    with pytest.raises(ValueError, match="unknown feed"):
        ledger.feed("payroll")
