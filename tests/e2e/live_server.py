"""The real server, as an operator runs it: `colledger serve` in its own process, on a
free loopback port, stopped with SIGTERM. Shared by the end-to-end tests over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_SECONDS = 30.0
SHUTDOWN_SECONDS = 15.0


def colledger_command() -> list[str]:
    executable = shutil.which("colledger", path=str(Path(sys.executable).parent))
    return [executable] if executable else [sys.executable, "-m", "colledger.main"]


def colledger(database_url: str, *args: str) -> str:
    """Runs one CLI command against the store; its stdout, or the test fails with its output."""
    done = subprocess.run(
        [*colledger_command(), "--database-url", database_url, *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def create_key(database_url: str, role: str, actor_id: str) -> str:
    who = "--agent" if role == "agent" else "--actor"
    created = json.loads(colledger(database_url, "keys", "create", "--role", role, who,
                                   actor_id, "--format", "json"))
    return str(created["key"])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """``with LiveServer(url, log) as server:`` serves on ``server.base_url`` until exit."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.exit_code: int | None = None

    def __enter__(self) -> LiveServer:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*colledger_command(), "--database-url", self.database_url, "serve",
                 "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        self.wait_until_healthy()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited at start:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the server did not answer /healthz in time:\n{self.log()}")

    def stop(self) -> int | None:
        """SIGTERM, as a supervisor stops it; the exit code, or None if it had to be killed."""
        if self.process is None or self.exit_code is not None:
            return self.exit_code
        self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout=SHUTDOWN_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.exit_code

    def stopped_cleanly(self) -> bool:
        """Uvicorn finishes its requests and the app's shutdown, then re-raises the SIGTERM
        it caught (as a well-behaved process does), so the status is -SIGTERM, not 0."""
        log = self.log_path.read_text(errors="replace")
        return (
            self.exit_code in (0, -signal.SIGTERM)
            and "Application shutdown complete" in log
            and "Finished server process" in log
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]
