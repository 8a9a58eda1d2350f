"""Where a projection worker resumes a partition it has just been given.

The consumer group's committed offsets are only advisory: a worker killed after its
database commit and before its Kafka commit leaves the group one batch behind. The
database row is the truth, so on every assignment the worker reads it and seeks to the
offset after the last one applied there, whatever the group remembers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition

log = logging.getLogger(__name__)

# Reads (creating if needed) the last offset applied for a partition.
StoredOffset = Callable[[TopicPartition], int]


class ResumeFromStoredOffsets(ConsumerRebalanceListener):  # type: ignore[misc]
    """Keeps ``expected`` (partition → last offset applied) in step with the assignment."""

    def __init__(self, consumer: KafkaConsumer, stored_offset: StoredOffset) -> None:
        self.consumer = consumer
        self.stored_offset = stored_offset
        self.expected: dict[TopicPartition, int] = {}

    def on_partitions_revoked(self, revoked: Any) -> None:
        for partition in revoked:
            self.expected.pop(partition, None)
        if revoked:
            log.info("partitions revoked: %s", sorted(p.partition for p in revoked))

    def on_partitions_assigned(self, assigned: Any) -> None:
        for partition in assigned:
            self.resume(partition)
        if assigned:
            log.info("partitions assigned: %s",
                     {p.partition: self.expected[p] for p in assigned})

    def resume(self, partition: TopicPartition) -> None:
        """Re-read the partition's stored offset and continue right after it."""
        last = self.stored_offset(partition)
        self.expected[partition] = last
        self.consumer.seek(partition, last + 1)

    def owns(self, partition: TopicPartition) -> bool:
        return partition in self.expected and partition in self.consumer.assignment()
