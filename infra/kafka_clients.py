"""kafka-python clients configured one way for the whole system.

The relay, the inbound feeds and the projection workers all need the same delivery
guarantees, so the choices live here rather than at each call site: producers are
idempotent with ``acks="all"`` (a retried send is not written twice and an acknowledged one
survives a leader change), and consumers never auto-commit (an offset is committed only
after its message's effect is stored, which is what makes consumption at-least-once).

Group timeouts are settings, not constants, because a consumer-group join waits on them:
Apache Kafka's defaults in production, small values in tests (see ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import kafka.errors
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from infra.settings import Settings

# Let the broker decide (its default.replication.factor); needs Kafka >= 2.4, as Tansu is.
BROKER_DEFAULT_REPLICATION = -1


@dataclass(frozen=True)
class KafkaSettings:
    """Connection and group-membership settings shared by every client of one process.

    The defaults are Apache Kafka's (and kafka-python's), except ``reconnect_backoff_max_ms``:
    kafka-python waits up to 30 s between reconnects, so a relay would sit idle long after
    a restarted broker is back.
    """

    bootstrap: str
    client_id: str = "colledger"
    session_timeout_ms: int = 45_000
    heartbeat_interval_ms: int = 3_000
    max_poll_interval_ms: int = 300_000
    request_timeout_ms: int = 30_000
    bootstrap_timeout_ms: int = 30_000
    delivery_timeout_ms: int = 120_000
    reconnect_backoff_max_ms: int = 1_000


class KafkaNotConfigured(RuntimeError):
    """Kafka was asked for, but ``COLLEDGER_KAFKA_BOOTSTRAP`` is not set."""


def kafka_settings_from(settings: Settings) -> KafkaSettings:
    """The Kafka part of the runtime settings; raises if no bootstrap address is set."""
    if not settings.kafka_bootstrap:
        raise KafkaNotConfigured("set COLLEDGER_KAFKA_BOOTSTRAP (host:port) to use Kafka")
    return KafkaSettings(
        bootstrap=settings.kafka_bootstrap,
        client_id=settings.kafka_client_id,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
    )


def new_producer(settings: KafkaSettings, **overrides: Any) -> KafkaProducer:
    """An idempotent, ``acks="all"`` producer; keys and values are bytes.

    Idempotence is requested explicitly so kafka-python raises rather than silently
    dropping it if the broker cannot do it. A producer whose broker lost its producer
    state (a replaced memory-only broker) stays broken: close it and make a new one.
    """
    config: dict[str, Any] = {
        **_connection(settings),
        "acks": "all",
        "enable_idempotence": True,
        "delivery_timeout_ms": settings.delivery_timeout_ms,
    }
    return KafkaProducer(**{**config, **overrides})


def new_consumer(
    settings: KafkaSettings,
    *topics: str,
    group_id: str | None,
    auto_offset_reset: str = "earliest",
    **overrides: Any,
) -> KafkaConsumer:
    """A consumer that never auto-commits; call ``commit()`` after the effect is stored.

    With ``group_id`` and ``topics`` it joins that consumer group (partitions are shared
    and offsets are committed to the group); with ``group_id=None`` the caller
    ``assign()``s partitions itself and keeps its own positions.

    Tansu answers "latest offset" with one past the *first* record of the last batch, so
    ``end_offsets()``, ``seek_to_end()`` and ``auto_offset_reset="latest"`` are unreliable
    there; ``highwater()`` (taken from fetch responses) is right.
    """
    config: dict[str, Any] = {
        **_connection(settings),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": auto_offset_reset,
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": settings.heartbeat_interval_ms,
        "max_poll_interval_ms": settings.max_poll_interval_ms,
    }
    return KafkaConsumer(*topics, **{**config, **overrides})


def new_admin(settings: KafkaSettings) -> KafkaAdminClient:
    return KafkaAdminClient(**_connection(settings))


def ensure_topics(
    admin: KafkaAdminClient,
    names: Iterable[str],
    partitions: int,
    *,
    replication_factor: int = BROKER_DEFAULT_REPLICATION,
) -> list[str]:
    """Create the topics that do not exist yet; return the names actually created.

    Topics that already exist are left as they are (their partition count is not
    checked or changed). Creation must come before the first produce: brokers that
    auto-create topics would otherwise pick their own partition count.
    """
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    spec = {"num_partitions": partitions, "replication_factor": replication_factor}
    response = admin.create_topics({name: dict(spec) for name in wanted}, raise_errors=False)
    created: list[str] = []
    for topic in response["topics"]:
        error = kafka.errors.for_code(topic["error_code"])
        if error is kafka.errors.NoError:
            created.append(topic["name"])
        elif error is not kafka.errors.TopicAlreadyExistsError:
            raise error(f"creating topic {topic['name']!r}: {topic['error_message']}")
    if created:
        admin.wait_for_topics(created)
    return created


def _connection(settings: KafkaSettings) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.bootstrap,
        "client_id": settings.client_id,
        "request_timeout_ms": settings.request_timeout_ms,
        "bootstrap_timeout_ms": settings.bootstrap_timeout_ms,
        "reconnect_backoff_max_ms": settings.reconnect_backoff_max_ms,
    }
