"""The relay picks each account's partition itself, exactly as kafka-python's default
partitioner would, so an account's events stay on one partition whatever picks it."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from kafka.errors import KafkaError
from kafka.partitioner.default import DefaultPartitioner

from consumers.relay import Relay, RelayOptions
from infra.kafka_clients import KafkaSettings
from ledger.event_messages import EventMessage
from tests.builders import make_service


class Cluster:
    """The metadata kafka-python's partitioner asks, and the producer's own view of it."""

    def __init__(self, partitions: set[int]) -> None:
        self.partitions = partitions

    def topics(self) -> set[str]:
        return {"events"}

    def partitions_for_topic(self, _: str) -> set[int]:
        return self.partitions

    def available_partitions_for_topic(self, _: str) -> set[int]:
        return self.partitions

    def partitions_for(self, _: str) -> set[int]:
        return self.partitions


def relay() -> Relay:
    service, _ = make_service()
    return Relay(service.app, KafkaSettings(bootstrap="kafka:9092"), RelayOptions(topic="events"))


def default_pick(cluster: Cluster, key: bytes) -> int:
    picked: int = DefaultPartitioner().partition("events", key, key, b"", b"", cluster)
    return picked


@pytest.mark.parametrize("partitions", [{0}, set(range(8)), set(range(13))])
def test_every_key_goes_where_the_default_partitioner_sends_it(partitions: set[int]) -> None:
    cluster = Cluster(partitions)
    partition_of = relay()._partitioner(cluster)  # type: ignore[arg-type]
    keys = [str(uuid4()).encode() for _ in range(300)]
    for key in keys + keys:
        assert partition_of(key) == default_pick(cluster, key)


def test_a_change_in_the_topics_partitions_changes_the_picks() -> None:
    cluster, publisher = Cluster(set(range(8))), relay()
    keys = [str(uuid4()).encode() for _ in range(50)]
    before = [publisher._partitioner(cluster)(k) for k in keys]  # type: ignore[arg-type]
    cluster.partitions = set(range(3))
    after = [publisher._partitioner(cluster)(k) for k in keys]  # type: ignore[arg-type]
    assert after == [default_pick(cluster, k) for k in keys] != before


def test_a_topic_without_known_partitions_is_a_kafka_error() -> None:
    with pytest.raises(KafkaError):
        relay()._partitioner(Cluster(set()))  # type: ignore[arg-type]


def test_no_header_or_value_changes_hands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard against the partition argument displacing another: keyword-only send."""
    sent: list[dict[str, Any]] = []

    class Producer(Cluster):
        def send(self, topic: str, **kwargs: Any) -> Any:
            sent.append(kwargs)
            raise KafkaError("stop here")

    publisher = relay()
    monkeypatch.setattr(publisher, "_connected", lambda: Producer(set(range(8))))
    message = EventMessage(key=b"k", value=b"v", headers=[("h", b"1")])
    with pytest.raises(KafkaError):
        publisher._send_all([message])
    assert sent == [{"key": b"k", "value": b"v", "headers": [("h", b"1")],
                     "partition": default_pick(Cluster(set(range(8))), b"k")}]
