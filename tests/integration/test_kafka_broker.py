"""The throwaway Kafka broker, the client factories and the librdkafka client really work.

The relay, the inbound feeds and the projection workers all build on these, so a failure
here explains failures there. The group tests also measure how long a join takes with the
test timeouts (printed; run with ``-s`` to see them), because every group test pays it.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from infra.kafka_clients import (
    KafkaNotConfigured,
    KafkaSettings,
    ensure_topics,
    kafka_settings_from,
    new_admin,
    new_consumer,
    new_producer,
)
from infra.settings import Settings
from tests.support.kafka_broker import TansuBroker
from tests.support.librdkafka_client import ForeignMessage, LibrdkafkaClient

pytestmark = pytest.mark.kafka

TopicFactory = Callable[..., str]
# Keys that kafka-python's default (murmur2) partitioner spreads over all of 3 partitions.
ACCOUNTS = ("ACC-1", "ACC-2", "ACC-3", "ACC-4", "ACC-5", "ACC-6")
WAIT_SECONDS = 30.0


def produce(settings: KafkaSettings, topic: str, per_key: int, first: int = 0) -> None:
    """``per_key`` messages for every account, values ``"<key>:<n>"`` in order."""
    producer = new_producer(settings)
    try:
        for n in range(first, first + per_key):
            for key in ACCOUNTS:
                producer.send(
                    topic,
                    key=key.encode(),
                    value=f"{key}:{n}".encode(),
                    headers=[("type", b"Probe"), ("version", str(n).encode())],
                )
        producer.flush(timeout=WAIT_SECONDS)
    finally:
        producer.close()


def consume(
    consumer: KafkaConsumer, count: int, within: float = WAIT_SECONDS
) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    deadline = time.monotonic() + within
    while len(records) < count and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200).values():
            records.extend(batch)
    return records


def consume_briefly(consumer: KafkaConsumer) -> list[ConsumerRecord]:
    """Whatever one short poll returns (to show that nothing more is coming)."""
    return [record for batch in consumer.poll(timeout_ms=500).values() for record in batch]


def wait_for(condition: Callable[[], bool], what: str) -> float:
    """Poll ``condition`` until true; return the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > WAIT_SECONDS:
            pytest.fail(f"timed out after {WAIT_SECONDS:g}s waiting until {what}")
        time.sleep(0.02)
    return time.monotonic() - started


def report(what: str, seconds: float) -> None:
    print(f"\n[kafka] {what} after {seconds:.2f}s")


class PollingMember:
    """A group member polling on its own thread, committing after each batch, as workers do."""

    def __init__(self, settings: KafkaSettings, topic: str, group: str) -> None:
        self.consumer = new_consumer(settings, topic, group_id=group)
        self.records: list[ConsumerRecord] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def assignment(self) -> set[TopicPartition]:
        return set(self.consumer.assignment())

    def _run(self) -> None:
        while not self._stop.is_set():
            batches = self.consumer.poll(timeout_ms=100)
            if batches:
                self.records.extend(record for batch in batches.values() for record in batch)
                self.consumer.commit()

    def stop_polling(self) -> None:
        self._stop.set()
        self._thread.join(timeout=WAIT_SECONDS)

    def close(self) -> None:
        self.stop_polling()
        self.consumer.close()


@pytest.fixture
def members() -> Iterator[list[PollingMember]]:
    """Group members a test starts; any still running are closed afterwards."""
    started: list[PollingMember] = []
    yield started
    for member in started:
        member.close()


def test_keyed_messages_come_back_in_per_key_order(
    kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory
) -> None:
    topic = kafka_topic_factory(partitions=3)
    produce(kafka_settings, topic, per_key=10)

    consumer = new_consumer(kafka_settings, group_id=None)
    consumer.assign([TopicPartition(topic, p) for p in range(3)])
    records = consume(consumer, 60)
    consumer.close()

    by_key: dict[str, list[int]] = defaultdict(list)
    partitions_of: dict[str, set[int]] = defaultdict(set)
    for record in records:
        key, n = record.value.decode().split(":")
        assert record.key.decode() == key
        assert dict(record.headers) == {"type": b"Probe", "version": n.encode()}
        by_key[key].append(int(n))
        partitions_of[key].add(record.partition)
    assert len(records) == 60
    assert by_key == {key: list(range(10)) for key in ACCOUNTS}
    assert all(len(partitions) == 1 for partitions in partitions_of.values())
    assert set().union(*partitions_of.values()) == {0, 1, 2}


def test_producer_is_idempotent_with_acks_all(kafka_settings: KafkaSettings) -> None:
    producer = new_producer(kafka_settings)
    try:
        assert producer.config["enable_idempotence"] is True
        assert producer.config["acks"] == -1  # kafka-python's spelling of "all"
    finally:
        producer.close()


def test_kafka_settings_come_from_colledger_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLLEDGER_KAFKA_BOOTSTRAP", raising=False)
    with pytest.raises(KafkaNotConfigured):
        kafka_settings_from(Settings())
    monkeypatch.setenv("COLLEDGER_KAFKA_BOOTSTRAP", "kafka-1:9092")
    monkeypatch.setenv("COLLEDGER_KAFKA_SESSION_TIMEOUT_MS", "10000")
    settings = kafka_settings_from(Settings())
    assert (settings.bootstrap, settings.session_timeout_ms) == ("kafka-1:9092", 10_000)
    assert settings.heartbeat_interval_ms == 3_000
    assert Settings().events_topic == "collections.events.v1"


def test_group_members_share_partitions_and_resume_after_committed_offsets(
    kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory, members: list[PollingMember]
) -> None:
    topic = kafka_topic_factory(partitions=3)
    group = f"{topic}.group"
    members.extend(PollingMember(kafka_settings, topic, group) for _ in range(2))
    first, second = members

    def shared() -> bool:
        a, b = first.assignment(), second.assignment()
        return bool(a) and bool(b) and not a & b and len(a | b) == 3

    joined = wait_for(shared, "two members share the 3 partitions")
    report("a two-member group assigned all partitions", joined)

    produce(kafka_settings, topic, per_key=5)
    wait_for(lambda: len(first.records) + len(second.records) == 30, "30 records consumed")
    for member in members:
        assert member.records, "each member owns a partition with records"
        assert {TopicPartition(r.topic, r.partition) for r in member.records} <= member.assignment()
    for member in members:
        member.stop_polling()  # both at once: neither is rejoining when the other leaves
    for member in members:
        member.close()
    members.clear()

    produce(kafka_settings, topic, per_key=2, first=5)
    successor = new_consumer(kafka_settings, topic, group_id=group)
    started = time.monotonic()
    # Joining waits out the old members' rebalance; on a loaded 2-core machine that has
    # taken just over 30 s, so the successor gets twice the usual wait.
    resumed = consume(successor, 12, within=2 * WAIT_SECONDS)
    report("a restarted member got its first records", time.monotonic() - started)
    assert sorted(r.value.decode() for r in resumed) == sorted(
        f"{key}:{n}" for key in ACCOUNTS for n in (5, 6)
    )
    assert consume_briefly(successor) == [], "nothing beyond the new records"
    successor.close()


def test_a_restarted_consumer_resumes_at_the_committed_offset(
    kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory
) -> None:
    topic = kafka_topic_factory(partitions=1)
    group = f"{topic}.group"
    partition = TopicPartition(topic, 0)
    producer = new_producer(kafka_settings)
    for n in range(10):
        producer.send(topic, key=b"ACC-1", value=str(n).encode())
    producer.flush(timeout=WAIT_SECONDS)
    producer.close()

    consumer = new_consumer(kafka_settings, topic, group_id=group)
    started = time.monotonic()
    first_records = consume(consumer, 10)
    report("a one-member group got its first records", time.monotonic() - started)
    assert [r.offset for r in first_records] == list(range(10))
    # Only the first four were "stored"; the committed offset is the next one to read.
    consumer.commit({partition: OffsetAndMetadata(4, "", -1)})
    assert consumer.committed(partition) == 4
    consumer.close()

    restarted = new_consumer(kafka_settings, topic, group_id=group)
    assert [r.value for r in consume(restarted, 6)] == [str(n).encode() for n in range(4, 10)]
    restarted.close()


def test_a_new_broker_on_the_same_port_accepts_clients_again() -> None:
    with TansuBroker() as old:
        settings = KafkaSettings(bootstrap=old.bootstrap, reconnect_backoff_max_ms=200)
        admin = new_admin(settings)
        assert ensure_topics(admin, ["events"], partitions=3) == ["events"]
        assert ensure_topics(admin, ["events", "events"], partitions=3) == []
        produce(settings, "events", per_key=1)
    assert not old.is_running

    with TansuBroker(port=old.port) as new:
        assert new.bootstrap == old.bootstrap
        # The admin client from before reconnects by itself; the topic died with the broker.
        assert "events" not in admin.list_topics()
        assert ensure_topics(admin, ["events"], partitions=3) == ["events"]
        admin.close()
        produce(settings, "events", per_key=1)
        consumer = new_consumer(settings, group_id=None)
        consumer.assign([TopicPartition("events", p) for p in range(3)])
        assert len(consume(consumer, 6)) == 6
        consumer.close()


def test_an_idempotent_producer_must_be_replaced_after_its_broker_is() -> None:
    """Tansu's memory storage forgets producer ids, and kafka-python's recovery (bumping the
    epoch of the id it has, KIP-360) is refused, so the old producer never sends again."""
    with TansuBroker() as old:
        settings = KafkaSettings(bootstrap=old.bootstrap, reconnect_backoff_max_ms=200)
        producer = new_producer(settings)
        producer.send("events", key=b"ACC-1", value=b"before").get(timeout=WAIT_SECONDS)

    with TansuBroker(port=old.port):
        for _ in range(2):
            with pytest.raises(KafkaError):
                producer.send("events", key=b"ACC-1", value=b"after").get(timeout=WAIT_SECONDS)
        producer.close()
        fresh = new_producer(settings)
        assert fresh.send("events", key=b"ACC-1", value=b"after").get(WAIT_SECONDS).offset == 0
        fresh.close()


def test_librdkafka_lists_the_topic_and_reads_a_produced_message(
    kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory, librdkafka: LibrdkafkaClient
) -> None:
    topic = kafka_topic_factory(partitions=3)
    producer = new_producer(kafka_settings)
    sent = producer.send(
        topic, key=b"ACC-7", value=b'{"amount": "12.50"}', headers=[("type", b"Paid")]
    ).get(timeout=WAIT_SECONDS)
    producer.close()

    assert librdkafka.partition_count(topic) == 3
    assert librdkafka.read_all(topic) == [
        ForeignMessage(
            partition=sent.partition,
            offset=0,
            key=b"ACC-7",
            value=b'{"amount": "12.50"}',
            headers=(("type", b"Paid"),),
        )
    ]


def test_our_consumer_reads_what_librdkafka_produced(
    kafka_settings: KafkaSettings, kafka_topic_factory: TopicFactory, librdkafka: LibrdkafkaClient
) -> None:
    topic = kafka_topic_factory(partitions=1)
    librdkafka.produce(topic, b"ACC-8", b'{"amount": "3.00"}', {"type": b"Invoiced"})

    consumer = new_consumer(kafka_settings, group_id=None)
    consumer.assign([TopicPartition(topic, 0)])
    [record] = consume(consumer, 1)
    consumer.close()
    assert (record.key, record.value) == (b"ACC-8", b'{"amount": "3.00"}')
    assert record.headers == [("type", b"Invoiced")]
