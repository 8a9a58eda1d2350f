"""A Kafka client nobody here wrote, to prove that what we publish is plain Kafka.

The relay, the feeds and the workers all speak Kafka through kafka-python; a test that only
reads our messages back with kafka-python cannot tell plain Kafka from something only
kafka-python understands. ``confluent-kafka`` wraps librdkafka, the C library behind most
non-Java Kafka clients, and its wheel bundles a current librdkafka, so it needs no system
package and none of the protocol workarounds an old distribution librdkafka needed.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient

WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class ForeignMessage:
    """One message as librdkafka saw it."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


class LibrdkafkaClient:
    """librdkafka, pointed at one broker: list a topic, read it whole, produce to it."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap

    def partition_count(self, topic: str) -> int:
        metadata = AdminClient(self._config()).list_topics(topic, timeout=WAIT_SECONDS)
        found = metadata.topics[topic]
        if found.error is not None:
            raise RuntimeError(f"librdkafka cannot see topic {topic!r}: {found.error}")
        return len(found.partitions)

    def read_all(self, topic: str) -> list[ForeignMessage]:
        """Every message of ``topic`` from its beginning to the end of each partition.

        No consumer group is joined and no offset is committed: partitions are assigned.
        """
        consumer = Consumer(
            {
                **self._config(),
                "group.id": f"colledger-librdkafka-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
            }
        )
        partitions = range(self.partition_count(topic))
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        try:
            return self._until_every_end(consumer, topic, set(partitions))
        finally:
            consumer.close()

    def produce(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, bytes] | None = None
    ) -> None:
        """Send one message with an idempotent, ``acks=all`` producer and wait for it."""
        producer = Producer({**self._config(), "enable.idempotence": True, "acks": "all"})
        failures: list[KafkaError] = []
        producer.produce(
            topic,
            key=key,
            value=value,
            headers=list((headers or {}).items()),
            on_delivery=lambda error, _message: failures.extend([error] if error else []),
        )
        left = producer.flush(WAIT_SECONDS)
        if left or failures:
            raise RuntimeError(f"librdkafka did not deliver to {topic!r}: {failures or left}")

    def _until_every_end(
        self, consumer: Consumer, topic: str, open_partitions: set[int]
    ) -> list[ForeignMessage]:
        messages: list[ForeignMessage] = []
        deadline = time.monotonic() + WAIT_SECONDS
        while open_partitions:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: partitions {open_partitions} never reached their end")
            message = consumer.poll(0.2)
            if message is None:
                continue
            error = message.error()
            if error is not None and error.code() == KafkaError._PARTITION_EOF:
                open_partitions.discard(message.partition())
            elif error is not None:
                raise RuntimeError(f"librdkafka failed reading {topic!r}: {error}")
            else:
                messages.append(_foreign(message))
        return messages

    def _config(self) -> dict[str, object]:
        return {"bootstrap.servers": self.bootstrap, "client.id": "colledger-librdkafka"}


def _foreign(message: Message) -> ForeignMessage:
    return ForeignMessage(
        partition=message.partition(),
        offset=message.offset(),
        key=message.key(),
        value=message.value(),
        headers=tuple(message.headers() or ()),
    )
