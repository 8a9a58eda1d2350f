"""Projection workers over Kafka: read models built from the events topic by a group.

Each worker is a member of one consumer group on the events topic; the group shares the
partitions among the workers, so read models scale with partitions. For every polled
batch, each partition's messages are applied in one database transaction
(`ledger.projections.partition_batch`): offset compare-and-set, duplicate skipping by
per-aggregate version, projection rows. Only after that commit is the Kafka offset
committed, and only as a hint: on assignment a worker seeks to the offset stored in the
database (`consumers.partition_assignment`).

The same projections and tables as the log runner are used, with positions taken from
the envelopes, so the rows are the same rows; `ledger.projections.projection_mode`
says why the two never share a database.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consumers.partition_assignment import ResumeFromStoredOffsets
from infra.kafka_clients import KafkaSettings, new_consumer
from infra.migrations.runner import upgrade
from infra.migrations.schema import READ_MODELS
from ledger.event_messages import UnreadableEvent, event_from_message
from ledger.projections import kafka_tracking
from ledger.projections.kafka_tracking import PartitionKey, projection_set
from ledger.projections.partition_batch import Delivered, VersionGap, apply_batch
from ledger.projections.projection_mode import ModeConflict, check_kafka_mode
from ledger.projections.registry import projections_named

log = logging.getLogger(__name__)

DEFAULT_GROUP = "colledger-projections"  # as infra.settings.Settings.projection_group


# What stops a worker for good: a hole in an aggregate's versions, a message that is not
# an event envelope, a database whose read models the log runner keeps.
WorkerStopped = (VersionGap, UnreadableEvent, ModeConflict)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class WorkerOptions:
    """``projections``: names from the registry (default: all); ``worker_id`` is written
    beside each partition's offset, so the table says who applied what last."""

    topic: str
    group: str = DEFAULT_GROUP
    batch_size: int = 500
    projections: Sequence[str] | None = None
    poll_timeout_ms: int = 200
    worker_id: str = field(default_factory=default_worker_id)


@dataclass
class WorkerStats:
    """What one worker did: transactions committed, events applied and skipped as
    duplicates, batches lost to another owner of the partition, accounts quarantined."""

    batches: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: int = 0


def decode(value: bytes, offset: int) -> Delivered:
    """A message of the events topic; anything undecodable stops the worker (our own topic)."""
    event = event_from_message(value)
    position = int(json.loads(value)["position"])
    return Delivered(offset, str(event.originator_id), int(event.originator_version), position,
                     event)


class ProjectionWorker:
    def __init__(self, engine: Engine, kafka: KafkaSettings, options: WorkerOptions) -> None:
        self.engine = engine
        self.kafka = kafka
        self.options = options
        self.projections = projections_named(list(options.projections or []))
        self.name = projection_set(p.name for p in self.projections)
        self.tables = {p.name: p.live() for p in self.projections}
        self.stats = WorkerStats()
        self.setup()

    def setup(self) -> None:
        """Refuse a database the log runner keeps (its tables come from the read-model
        migrations, `run_worker`)."""
        with self.engine.connect() as connection:
            check_kafka_mode(connection, [p.name for p in self.projections])

    def key(self, partition: TopicPartition) -> PartitionKey:
        return PartitionKey(self.name, partition.topic, partition.partition)

    def stored_offset(self, partition: TopicPartition) -> int:
        with Session(self.engine) as session, session.begin():
            return kafka_tracking.claim(session, self.key(partition), self.options.worker_id)

    def run(self, stop: threading.Event | None = None, stop_when_caught_up: bool = False
            ) -> WorkerStats:
        """Consume until ``stop`` is set (or, if asked, every assigned partition is caught up).

        Stopping happens between transactions; closing the consumer leaves the group, so
        the other workers get its partitions at once instead of after a session timeout.
        """
        stop = stop or threading.Event()
        consumer = new_consumer(self.kafka, group_id=self.options.group,
                                max_poll_records=self.options.batch_size)
        assignment = ResumeFromStoredOffsets(consumer, self.stored_offset)
        consumer.subscribe([self.options.topic], listener=assignment)
        try:
            while not stop.is_set():
                polled = consumer.poll(timeout_ms=self.options.poll_timeout_ms)
                for partition, records in polled.items():
                    if stop.is_set():
                        break
                    self.apply(consumer, assignment, partition, records)
                if stop_when_caught_up and caught_up(consumer):
                    break
        finally:
            consumer.close(autocommit=False)
        return self.stats

    def apply(self, consumer: KafkaConsumer, assignment: ResumeFromStoredOffsets,
              partition: TopicPartition, records: Sequence[Any]) -> None:
        if not assignment.owns(partition):
            return
        delivered = [decode(r.value, r.offset) for r in records]
        expected = assignment.expected[partition]
        try:
            with Session(self.engine) as session, session.begin():
                outcome = apply_batch(session, self.projections, self.tables,
                                      self.key(partition), expected, delivered,
                                      self.options.worker_id)
        except kafka_tracking.OffsetConflict as conflict:
            self.stats.conflicts += 1
            log.warning("batch rolled back, another worker got there first: %s", conflict)
            if assignment.owns(partition):
                assignment.resume(partition)
            return
        assignment.expected[partition] = outcome.last_offset
        self.stats.batches += 1
        self.stats.applied += outcome.applied
        self.stats.duplicates += outcome.duplicates
        self.stats.quarantined += len(outcome.quarantined)
        for found in outcome.quarantined:
            log.warning(found.log_line())
        commit_hint(consumer, partition, outcome.last_offset)


def commit_hint(consumer: KafkaConsumer, partition: TopicPartition, last_offset: int) -> None:
    """Tell the group where we are; losing this only costs a re-read, never a re-apply."""
    try:
        consumer.commit_async({partition: OffsetAndMetadata(last_offset + 1, "", -1)})
    except KafkaError as error:
        log.info("offset commit skipped (the database has it): %r", error)


def caught_up(consumer: KafkaConsumer) -> bool:
    """Every assigned partition has been read up to its high-water mark."""
    assigned = consumer.assignment()
    if not assigned:
        return False
    for partition in assigned:
        highwater = consumer.highwater(partition)
        if highwater is None or consumer.position(partition) < highwater:
            return False
    return True


def run_worker(
    database_url: str,
    kafka: KafkaSettings,
    options: WorkerOptions,
    stop: threading.Event | None = None,
    stop_when_caught_up: bool = False,
) -> WorkerStats:
    """Run one projection worker in this process until ``stop`` is set, on a read-model
    database first migrated to the head of the read-model branch (that branch alone: the
    database holds read models, not an event store).

    With ``stop_when_caught_up`` it returns as soon as every partition assigned to it has
    been applied up to the high-water mark: meant for a lone worker (benchmarks, tests,
    a one-off catch-up); in a group it only speaks for its own partitions.
    """
    engine = create_engine(database_url)
    try:
        upgrade(engine, [READ_MODELS])
        return ProjectionWorker(engine, kafka, options).run(stop, stop_when_caught_up)
    finally:
        engine.dispose()
