"""What the relay tests read back from Kafka, and the checks a downstream consumer would make.

A plain kafka-python consumer reads the whole topic (assigned partitions, from offset 0,
until the high-water marks say there is nothing more); `deduplicated` keeps the first
copy of each (aggregate id, version), as docs/events.md tells consumers to.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from kafka import TopicPartition

from infra.kafka_clients import KafkaSettings, new_consumer
from ledger.service import LedgerService

WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Received:
    partition: int
    offset: int
    key: bytes
    headers: dict[str, bytes]
    envelope: dict[str, Any]

    @property
    def identity(self) -> tuple[str, int]:
        return self.envelope["aggregate_id"], self.envelope["version"]


def wait_until(
    condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS, interval: float = 0.02
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:g}s waiting until {what}")
        time.sleep(interval)


def store_positions(service: LedgerService) -> list[int]:
    """Every notification id in the store, in order."""
    notifications = service.app.recorder.select_notifications(start=1, limit=1_000_000)
    return [int(n.id) for n in notifications]


def read_topic(settings: KafkaSettings, topic: str, at_least: int) -> list[Received]:
    """Every message of ``topic``, partition by partition in offset order.

    Reads until ``at_least`` messages arrived and every partition is at its high-water
    mark (Tansu's "latest offset" is unreliable; fetch responses' high-water marks are not).
    """
    consumer = new_consumer(settings, group_id=None)
    try:
        wait_until(lambda: bool(consumer.partitions_for_topic(topic)), f"{topic} exists")
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        received: list[Received] = []

        def drained() -> bool:
            for batch in consumer.poll(timeout_ms=200).values():
                received.extend(_received(record) for record in batch)
            return len(received) >= at_least and all(
                consumer.highwater(p) is not None and consumer.position(p) >= consumer.highwater(p)
                for p in partitions
            )

        wait_until(drained, f"{at_least} messages were read from {topic}")
        return received
    finally:
        consumer.close()


def deduplicated(messages: list[Received]) -> list[Received]:
    seen: set[tuple[str, int]] = set()
    kept = []
    for message in messages:
        if message.identity not in seen:
            seen.add(message.identity)
            kept.append(message)
    return kept


def by_aggregate(messages: list[Received]) -> dict[str, list[Received]]:
    streams: dict[str, list[Received]] = defaultdict(list)
    for message in messages:
        streams[message.envelope["aggregate_id"]].append(message)
    return streams


def assert_in_account_order(messages: list[Received], first_version: int | None = 1) -> None:
    """Per aggregate: one partition, the key is its id, versions consecutive in offset order."""
    for aggregate, stream in by_aggregate(messages).items():
        assert {m.partition for m in stream} == {stream[0].partition}, aggregate
        assert {m.key for m in stream} == {aggregate.encode()}
        offsets = [m.offset for m in stream]
        assert offsets == sorted(offsets), aggregate
        start = stream[0].envelope["version"] if first_version is None else first_version
        versions = [m.envelope["version"] for m in stream]
        assert versions == list(range(start, start + len(stream))), (aggregate, versions)


def _received(record: Any) -> Received:
    return Received(
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        headers=dict(record.headers),
        envelope=json.loads(record.value),
    )
