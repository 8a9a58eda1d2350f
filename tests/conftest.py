"""Fixtures shared by the whole test suite.

Keep this file generic: fixtures that only one area of the suite needs belong in a
``conftest.py`` next to those tests. Each section below is one resource.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator

import pytest

from infra.kafka_clients import KafkaSettings, ensure_topics, new_admin
from tests.support.kafka_broker import TansuBroker
from tests.support.librdkafka_client import LibrdkafkaClient
from tests.support.postgres_databases import create_database, drop_database, unique_database_name
from tests.support.postgres_server import PostgresServer

# The server's scheduler ticks days on its own clock: off in the tests (and the servers
# they start), except where a test turns it on.
os.environ.setdefault("COLLEDGER_SCHEDULER_ENABLED", "false")

# What the reliability tests tried and got, when COLLEDGER_RELIABILITY_OUT asks for it
# (`make reliability`, docs/reliability.md); pytester runs pytest inside a test.
pytest_plugins = ["pytester", "tests.support.reliability"]

# ---------------------------------------------------------------------------------------
# PostgreSQL
#
# One server per test session (started lazily, only if a test asks for it), and one fresh
# database per test so tests cannot see each other's tables. Point
# COLLEDGER_TEST_DATABASE_URL at an existing server to skip starting one; its account
# needs CREATEDB for the per-test databases.

DATABASE_URL_ENV = "COLLEDGER_TEST_DATABASE_URL"

DatabaseFactory = Callable[[], str]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of the session's database, shared by every test that uses it."""
    external_url = os.environ.get(DATABASE_URL_ENV)
    if external_url:
        yield external_url
        return
    with PostgresServer() as server:
        yield server.url


@pytest.fixture
def postgres_database_factory(
    postgres_url: str, request: pytest.FixtureRequest
) -> Iterator[DatabaseFactory]:
    """Call it to get the URL of another new, empty database; all are dropped afterwards."""
    created: list[str] = []

    def new_database() -> str:
        name = unique_database_name(request.node.name)
        url = create_database(postgres_url, name)
        created.append(name)
        return url

    yield new_database
    for name in reversed(created):
        drop_database(postgres_url, name)


@pytest.fixture
def postgres_database_url(postgres_database_factory: DatabaseFactory) -> str:
    """SQLAlchemy URL of a new, empty database that only this test uses."""
    return postgres_database_factory()


# ---------------------------------------------------------------------------------------
# Kafka
#
# One broker per test session (started lazily, only if a test asks for it): Tansu with
# memory storage on a free loopback port (tests/support/kafka_broker.py). Point
# KAFKA_BOOTSTRAP at an existing broker (e.g. real Apache Kafka) to skip starting one. Tests
# share the broker, so each creates its own uniquely named topics with kafka_topic_factory.

KAFKA_BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP"

# (session timeout, heartbeat interval) in ms. A consumer-group join waits on the session
# timeout (on Tansu half of it: 1 s here), so tests use small ones. Apache Kafka refuses
# sessions below group.min.session.timeout.ms (6 s by default), hence an external broker's.
TANSU_GROUP_TIMEOUTS = (2_000, 500)
EXTERNAL_GROUP_TIMEOUTS = (6_000, 1_000)

TopicFactory = Callable[..., str]


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """``host:port`` of the session's broker, shared by every test that uses it."""
    external = os.environ.get(KAFKA_BOOTSTRAP_ENV)
    if external:
        yield external
        return
    with TansuBroker() as broker:
        yield broker.bootstrap


@pytest.fixture(scope="session")
def kafka_settings(kafka_bootstrap: str) -> KafkaSettings:
    """Client settings for tests: the session's broker, small timeouts, fast reconnects."""
    external = bool(os.environ.get(KAFKA_BOOTSTRAP_ENV))
    session_timeout_ms, heartbeat_interval_ms = (
        EXTERNAL_GROUP_TIMEOUTS if external else TANSU_GROUP_TIMEOUTS
    )
    return KafkaSettings(
        bootstrap=kafka_bootstrap,
        client_id="colledger-test",
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms,
        # Also the group's rebalance timeout: a member that leaves mid-rebalance holds the
        # group up to this long on Tansu, so keep it well under the tests' 30 s waits.
        max_poll_interval_ms=12_000,
        request_timeout_ms=10_000,
        bootstrap_timeout_ms=10_000,
        delivery_timeout_ms=20_000,
        reconnect_backoff_max_ms=500,
    )


@pytest.fixture
def kafka_topic_factory(
    kafka_settings: KafkaSettings, request: pytest.FixtureRequest
) -> Iterator[TopicFactory]:
    """Call it (``partitions=3``) to create a new topic named after the test; returns its name.

    The topics are deleted afterwards, best effort (an external broker may refuse).
    """
    admin = new_admin(kafka_settings)
    created: list[str] = []

    def new_topic(partitions: int = 3) -> str:
        slug = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name).strip("-")[:80]
        name = f"test.{slug}.{uuid.uuid4().hex[:8]}"
        ensure_topics(admin, [name], partitions)
        created.append(name)
        return name

    yield new_topic
    try:
        if created:
            admin.delete_topics(created)
    except Exception as error:  # cleanup must not mask the test's outcome
        print(f"[kafka] could not delete test topics {created}: {error!r}")
    finally:
        admin.close()


@pytest.fixture(scope="session")
def librdkafka(kafka_bootstrap: str) -> LibrdkafkaClient:
    """A client nobody here wrote (confluent-kafka, i.e. librdkafka) on the session's broker."""
    return LibrdkafkaClient(kafka_bootstrap)
