"""`colledger relay` as a process: killed with SIGKILL mid-stream and restarted, it loses nothing.

A demo portfolio is stored in a SQLite file; the relay runs as its own process in small
batches and is SIGKILLed once it has recorded a position but before it reached the end
(so a batch may have been sent without its position being saved). The restarted relay
publishes from its stored position; a consumer that de-duplicates on (account id,
version), as docs/events.md prescribes, sees every stored event exactly once, in order.
The restarted relay then stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from consumers.relay import tracking_name
from infra.kafka_clients import KafkaSettings
from ledger.projections import tracking
from tests.builders import load_demo, make_service
from tests.integration.relay_checks import (
    assert_in_account_order,
    deduplicated,
    read_topic,
    store_positions,
    wait_until,
)

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20



class RelayProcesses:
    """`colledger relay` subprocesses of one test; any left running are killed at the end."""

    def __init__(self, database_url: str, env: dict[str, str], logs: Path) -> None:
        self.database_url, self.env, self.logs = database_url, env, logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = self.logs / f"relay-{len(self.started)}.log"
        command = [sys.executable, "-m", "colledger.main", "--database-url", self.database_url,
                   "relay", "--batch-size", str(BATCH)]
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=output,
                                       stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        return (self.logs / f"relay-{self.started.index(process)}.log").read_text()

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def relays(tmp_path: Path, kafka_bootstrap: str) -> Iterator[RelayProcesses]:
    topic = f"test.relay.crash.{uuid4().hex[:8]}"
    env = {
        **os.environ,
        "COLLEDGER_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "COLLEDGER_EVENTS_TOPIC": topic,
        "COLLEDGER_EVENTS_PARTITIONS": "4",
    }
    processes = RelayProcesses(f"sqlite:///{tmp_path / 'ledger.db'}", env, tmp_path)
    yield processes
    processes.kill_all()


def test_a_relay_killed_mid_stream_and_restarted_publishes_every_event_exactly_once_deduplicated(
    relays: RelayProcesses, kafka_settings: KafkaSettings
) -> None:
    service, _ = make_service(relays.database_url)
    load_demo(service, 16, 6, seed=5)
    positions = store_positions(service)
    topic = relays.env["COLLEDGER_EVENTS_TOPIC"]
    assert len(positions) > 20 * BATCH
    tracking.metadata.create_all(service.app.datastore.engine)  # to watch the relay's row

    def relay_position() -> int:
        with service.app.datastore.transaction(commit=False) as session:
            return tracking.position(session, tracking_name(topic))

    first = relays.start()
    mid_stream = positions[len(positions) // 3]
    wait_until(lambda: first.poll() is not None or relay_position() >= mid_stream,
               "the first relay got a third of the way", interval=0.002)
    time.sleep(0.014)  # most of a batch: likely sent, not yet recorded (not relied on)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = relay_position()
    assert 0 < killed_at < positions[-1], f"killed at {killed_at}: {relays.log_of(first)}"

    second = relays.start()
    wait_until(lambda: relay_position() == positions[-1], "the restarted relay caught up")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0, relays.log_of(second)

    received = read_topic(kafka_settings, topic, len(positions))
    unique = deduplicated(received)
    assert sorted(m.envelope["position"] for m in unique) == positions
    assert len(unique) == len(positions)
    assert_in_account_order(unique)
    resent = len(received) - len(unique)
    assert resent <= BATCH, "only the batch in flight at the kill may come twice"
    print(f"\n[relay] killed at {killed_at}/{positions[-1]}; {resent} events re-sent")


def test_colledger_relay_once_publishes_what_is_stored_and_exits(
    relays: RelayProcesses, kafka_settings: KafkaSettings
) -> None:
    service, _ = make_service(relays.database_url)
    load_demo(service, 3, 2, seed=5)
    positions = store_positions(service)
    command = [sys.executable, "-m", "colledger.main", "--database-url", relays.database_url,
               "relay", "--once"]

    result = subprocess.run(command, cwd=ROOT, env=relays.env, capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0, result.stderr
    received = read_topic(kafka_settings, relays.env["COLLEDGER_EVENTS_TOPIC"], len(positions))
    assert sorted(m.envelope["position"] for m in received) == positions
    assert '"message": "relay published a batch"' in result.stderr
