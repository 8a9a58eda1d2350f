"""A real, throwaway PostgreSQL server on loopback, for tests and local development.

The ledger's behaviour depends on PostgreSQL itself (transactions, constraints, the event
store's SQL), so tests run against the real thing rather than SQLite or mocks. There is no
Docker here, so we drive the server binaries directly: ``initdb`` a fresh cluster in a temp
directory, ``pg_ctl start`` it on a free 127.0.0.1 port, and delete everything on stop.

Durability is switched off (``fsync``, ``synchronous_commit``, ``full_page_writes``): the
data is disposable and this is what makes start-up and every commit fast. Authentication is
``trust`` because only loopback and a private Unix socket directory are exposed.

Run ``python -m tests.support.postgres_server`` to get a server in the foreground; it prints its URL
and stops (removing its data) on Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg2
from sqlalchemy.engine import URL

from tests.support.loopback_server import (
    HOST,
    LoopbackServer,
    free_port,
    run_in_foreground,
    speaker,
)
from tests.support.postgres_account import PostgresAccount, server_account
from tests.support.postgres_binaries import PostgresBinaries, require_postgres_binaries
from tests.support.postgres_databases import create_database

_say = speaker("postgres")

DEFAULT_DATABASE = "colledger_test"
SUPERUSER = "postgres"
# Always present in a fresh cluster; used to issue CREATE DATABASE.
MAINTENANCE_DATABASE = "postgres"

# Written to postgresql.conf. Everything that makes the server fast at the cost of crash
# safety is fine here because the cluster is deleted when the server stops.
SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": HOST,
    "max_connections": "200",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

# How often start() retries when another process grabbed the free port we picked.
PORT_ATTEMPTS = 3


class PostgresServerError(RuntimeError):
    """The server could not be initialised, started or reached; the message says why."""


class PostgresServer(LoopbackServer):
    """One PostgreSQL cluster in a temp directory, listening on 127.0.0.1.

    Use it as a context manager (``with PostgresServer() as server: server.url``) or call
    ``start()`` / ``stop()``. A forgotten ``stop()`` is done at interpreter exit; only a
    hard kill of this process can leave the server (and its temp directory) behind.
    """

    def __init__(
        self,
        database: str = DEFAULT_DATABASE,
        *,
        port: int | None = None,
        startup_timeout: float = 30.0,
        binaries: PostgresBinaries | None = None,
        base_dir: Path | None = None,
    ) -> None:
        """Configure, without starting, a server.

        ``database`` is created on start and is what ``url`` points at. ``port`` defaults to
        a free one. ``binaries`` defaults to the newest installed PostgreSQL (``make test``
        installs it; a missing one fails with a message saying so). ``base_dir`` is where the
        temp directory goes; by default the system temp directory, or ``/tmp`` when root,
        since ``$TMPDIR`` may then sit under ``/root`` where the ``postgres`` user cannot
        reach it.
        """
        self.database = database
        self._requested_port = port
        self._startup_timeout = startup_timeout
        self._binaries = binaries
        self._base_dir = base_dir
        self._account: PostgresAccount | None = None
        self._workdir: Path | None = None
        self._port: int | None = None
        # A forked child (e.g. multiprocessing) inherits this object and our atexit hooks;
        # only the process that started the server may stop it.
        self._owner_pid: int | None = None

    # ----------------------------------------------------------------------------------
    # Public API

    @property
    def url(self) -> str:
        """SQLAlchemy URL of ``database``: ``postgresql+psycopg2://postgres@127.0.0.1:PORT/DB``."""
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        """SQLAlchemy URL of another database on this server (it must exist to be used)."""
        return URL.create(
            "postgresql+psycopg2", username=SUPERUSER, host=HOST, port=self.port, database=database
        ).render_as_string(hide_password=False)

    @property
    def port(self) -> int:
        if self._port is None:
            raise PostgresServerError("the server is not started")
        return self._port

    @property
    def host(self) -> str:
        return HOST

    @property
    def workdir(self) -> Path:
        """Temp directory holding ``data/``, ``postgres.log`` and the Unix socket."""
        if self._workdir is None:
            raise PostgresServerError("the server is not started")
        return self._workdir

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def log_path(self) -> Path:
        return self.workdir / "postgres.log"

    @property
    def is_running(self) -> bool:
        """Whether the postmaster recorded in ``postmaster.pid`` is alive."""
        if self._workdir is None:
            return False
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # exists, owned by someone else
        return True

    def start(self) -> None:
        """Create a fresh cluster, start it, and create ``database``.

        Raises ``PostgresServerError`` (with the server log's tail) if the server does not
        come up within ``startup_timeout``; nothing is left running or on disk then.
        """
        if self._workdir is not None:
            raise PostgresServerError("the server is already started")
        started_at = time.monotonic()
        binaries = self._binaries or require_postgres_binaries()
        self._binaries = binaries
        self._account = server_account()
        self._workdir = self._make_workdir(self._account)
        self._owner_pid = os.getpid()
        atexit.register(self.stop)
        try:
            self._initdb(binaries)
            self._write_settings()
            self._start_on_free_port(binaries)
            self._check_accepts_connections()
            create_database(self.url_for(MAINTENANCE_DATABASE), self.database)
        except BaseException:
            self.stop()
            raise
        _say(f"ready at {self.url} in {time.monotonic() - started_at:.2f}s")

    def stop(self) -> None:
        """Stop the server immediately and delete its data. Safe to call more than once.

        ``-m immediate`` skips the shutdown checkpoint: nothing needs to survive. Does nothing
        in a process forked from the one that started the server.
        """
        if self._workdir is None or os.getpid() != self._owner_pid:
            return
        atexit.unregister(self.stop)
        if self._binaries is not None and (self.data_dir / "postmaster.pid").exists():
            result = self._run(
                [self._binaries.pg_ctl, "stop", "-D", self.data_dir, "-m", "immediate", "-w"],
                timeout=60,
            )
            if result.returncode == 0:
                _say(f"stopped server on port {self._port}")
            else:
                _say(f"pg_ctl stop failed (exit {result.returncode}): {result.stdout.strip()}")
        shutil.rmtree(self._workdir, ignore_errors=True)
        _say(f"removed {self._workdir}")
        self._workdir = None
        self._port = None

    def create_database(self, name: str) -> str:
        """Create database ``name`` on this server and return its URL."""
        return create_database(self.url_for(MAINTENANCE_DATABASE), name)

    def __repr__(self) -> str:
        where = f"port={self._port}" if self._port is not None else "not started"
        return f"PostgresServer(database={self.database!r}, {where})"

    # ----------------------------------------------------------------------------------
    # Steps of start()

    def _make_workdir(self, account: PostgresAccount) -> Path:
        base = self._base_dir
        if base is None and not account.is_current_user:
            base = Path("/tmp")
        workdir = Path(tempfile.mkdtemp(prefix="colledger-pg-", dir=base))
        account.give(workdir)  # mkdtemp made it 0700, so only the server's user gets in
        return workdir

    def _initdb(self, binaries: PostgresBinaries) -> None:
        _say(f"initdb with {binaries.bin_dir} in {self.workdir}")
        command: list[str | os.PathLike[str]] = [
            binaries.initdb,
            "-D",
            self.data_dir,
            "--auth=trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",  # the cluster is disposable; skipping fsync saves most of initdb
            "--no-instructions",
        ]
        result = self._run(command, timeout=120)
        if result.returncode != 0:
            raise PostgresServerError(
                f"initdb failed (exit {result.returncode}):\n{result.stdout.strip()}"
            )

    def _write_settings(self) -> None:
        settings = {**SERVER_SETTINGS, "unix_socket_directories": os.fspath(self.workdir)}
        lines = [f"{name} = {_conf_value(value)}" for name, value in settings.items()]
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# Throwaway test server (tests/support/postgres_server.py)\n")
            conf.write("\n".join(lines) + "\n")

    def _start_on_free_port(self, binaries: PostgresBinaries) -> None:
        """``pg_ctl start -w``, retrying if the port we picked was taken in the meantime."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self._port = self._requested_port or free_port()
            log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            _say(f"starting server on {HOST}:{self._port}")
            result = self._run(
                [
                    binaries.pg_ctl,
                    "start",
                    "-D",
                    self.data_dir,
                    "-l",  # also keeps postgres off our stdout pipe, which would block us
                    self.log_path,
                    "-o",
                    f"-p {self._port}",
                    "-w",
                    "-t",
                    str(math.ceil(self._startup_timeout)),
                ],
                timeout=self._startup_timeout + 30,
            )
            if result.returncode == 0:
                return
            new_log = self._log_text()[log_offset:]
            port_taken = "could not bind" in new_log or "already in use" in new_log
            if port_taken and self._requested_port is None and attempt < PORT_ATTEMPTS:
                continue
            raise PostgresServerError(
                f"PostgreSQL failed to start on {HOST}:{self._port} (startup timeout "
                f"{self._startup_timeout:g}s; pg_ctl exit {result.returncode}: "
                f"{' '.join(result.stdout.split())})\n{self.log_tail()}"
            )

    def _check_accepts_connections(self) -> None:
        """Connect over TCP exactly as clients will, until ready or the timeout passes.

        ``pg_ctl -w`` already waited for the postmaster to report readiness; this proves
        the loopback listener and trust authentication work before anyone relies on them.
        """
        deadline = time.monotonic() + self._startup_timeout
        while True:
            try:
                psycopg2.connect(
                    host=HOST,
                    port=self.port,
                    user=SUPERUSER,
                    dbname=MAINTENANCE_DATABASE,
                    connect_timeout=5,
                ).close()
                return
            except psycopg2.OperationalError as error:
                if time.monotonic() >= deadline:
                    raise PostgresServerError(
                        f"PostgreSQL on {HOST}:{self.port} is not accepting connections "
                        f"after {self._startup_timeout:g}s: {str(error).strip()}\n"
                        f"{self.log_tail()}"
                    ) from error
                time.sleep(0.05)

    # ----------------------------------------------------------------------------------
    # Plumbing

    def _run(
        self, argv: Sequence[str | os.PathLike[str]], *, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Run a server command as the server's account, capturing its combined output."""
        if self._account is None:
            raise PostgresServerError("the server is not started")
        return subprocess.run(
            self._account.command(argv),
            cwd=self.workdir,  # a cwd the postgres user can enter (ours may be /root)
            env=_server_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )



def _server_environment() -> dict[str, str]:
    """Our environment minus ``PG*`` variables, which would redirect initdb/pg_ctl.

    ``TZ=UTC`` makes initdb configure the server's time zone as UTC on every machine, so
    results never depend on where tests run; ``LC_ALL=C`` avoids missing-locale warnings.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(TZ="UTC", LC_ALL="C")
    return env


def _conf_value(value: str) -> str:
    """Quote a postgresql.conf value."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"




def main(argv: Sequence[str] | None = None) -> int:
    """Run a server in the foreground until Ctrl-C (or SIGTERM); print its URL on stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.postgres_server", description=main.__doc__
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="database to create")
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    args = parser.parse_args(argv)

    server = PostgresServer(args.database, port=args.port)
    return run_in_foreground(server, lambda: server.url, _say)


if __name__ == "__main__":
    sys.exit(main())
