"""`colledger relay` as a process: killed with SIGKILL mid-stream and restarted, it loses nothing.

A demo portfolio is stored in a SQLite file; the relay runs as its own process in small
batches and SIGKILLs itself a third of the way in, after the broker acknowledged a whole
batch and before its position was saved (`relay_killed_after_ack`). The restarted relay
publishes from its stored position, so exactly that batch arrives twice; a consumer that
de-duplicates on (account id, version), as docs/events.md prescribes, sees every stored
event exactly once, in order. The restarted relay then stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
from tests.support.reliability import RecordFigures

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20



class RelayProcesses:
    """`colledger relay` subprocesses of one test; any left running are killed at the end."""

    def __init__(self, database_url: str, env: dict[str, str], logs: Path) -> None:
        self.database_url, self.env, self.logs = database_url, env, logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, killed_from: int | None = None) -> subprocess.Popen[bytes]:
        """With ``killed_from``, the relay kills itself before saving the first position
        it would move on from at or after ``killed_from``."""
        log = self.logs / f"relay-{len(self.started)}.log"
        program = ["colledger.main"] if killed_from is None else [
            "tests.integration.relay_killed_after_ack", str(killed_from)]
        command = [sys.executable, "-m", *program, "--database-url", self.database_url,
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


def test_a_relay_killed_after_the_ack_re_sends_that_batch_and_then_every_event_once(
    relays: RelayProcesses, kafka_settings: KafkaSettings, record_figures: RecordFigures
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

    first = relays.start(killed_from=positions[len(positions) // 3])
    assert first.wait(timeout=60) == -signal.SIGKILL, relays.log_of(first)
    killed_at = relay_position()
    in_flight = positions[positions.index(killed_at) + 1:][:BATCH]
    assert positions[len(positions) // 3] <= killed_at < positions[-BATCH], killed_at

    second = relays.start()
    wait_until(lambda: relay_position() == positions[-1], "the restarted relay caught up")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0, relays.log_of(second)

    received = read_topic(kafka_settings, topic, len(positions))  # and all there is
    unique = deduplicated(received)
    resent = sorted(m.envelope["position"] for m in received if m not in unique)
    record_figures({
        "processes killed with SIGKILL": 1, "events stored": len(positions),
        "events re-sent after a kill": len(resent),
        "events lost": len(set(positions) - {m.envelope["position"] for m in received}),
    })
    assert sorted(m.envelope["position"] for m in unique) == positions
    assert_in_account_order(unique)
    assert resent == in_flight, "exactly the acknowledged batch whose position was not saved"
    assert len(received) == len(positions) + BATCH
    print(f"\n[relay] killed at {killed_at}/{positions[-1]}; {len(resent)} events re-sent")


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
