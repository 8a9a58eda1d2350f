"""The HTTP API as `colledger serve` runs it, in a process of its own, for the API targets.

``python -m bench.api_server URL PORT`` serves ``create_app`` on uvicorn, one process, with
the JSON access log on (to a file), but without the embedded follower: the benchmark's
read models are already up to date, and a follower polling the log would take a share
of the two cores that no request asked for. `serving` starts it on a free loopback
port with a new manager key and stops it (by its pid) on the way out.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from api.logging_setup import configure_logging
from bench.measurements import close
from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.support.loopback_server import HOST, free_port

LOG = Path("var") / "bench" / "api.log"
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Api:
    base_url: str
    headers: dict[str, str]


@contextmanager
def serving(database_url: str) -> Iterator[Api]:
    ledger = bootstrap(Settings(database_url=database_url))
    try:
        _, key = ledger.keys.create("manager", "manager-bench")
    finally:
        close(ledger.app)
    port = free_port()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("a") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.api_server", database_url, str(port)],
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        api = Api(f"http://{HOST}:{port}", {"X-API-Key": key})
        _wait_until_up(api, server)
        yield api
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(api: Api, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the API server exited ({server.returncode}); see {LOG}")
        try:
            if httpx.get(f"{api.base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API server did not answer within {STARTUP_SECONDS}s; see {LOG}")


def main(database_url: str, port: str) -> None:
    app = create_app(bootstrap(Settings(database_url=database_url)), follow=False)
    configure_logging()
    uvicorn.run(app, host=HOST, port=int(port), log_level="warning", log_config=None,
                access_log=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
