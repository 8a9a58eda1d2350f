"""Benchmark portfolios kept as ``pg_dump`` files, restored into a fresh server per run.

`bench.portfolio_build` (``make bench-portfolio``) keeps ``var/bench/portfolio-N.dump``
(``pg_dump -Fc``) beside ``portfolio-N.json``, what it holds (`Built`). `restored` loads a
dump into a fresh throwaway PostgreSQL (``pg_restore``, then ``ANALYZE``, as after any
restore) for a run to measure on, so no measurement sees another run's writes.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.append import say
from bench.portfolio import PortfolioSpec
from infra.migrations import runner
from tests.support.postgres_binaries import require_postgres_binaries
from tests.support.postgres_server import SUPERUSER, PostgresServer

HOME = Path("var") / "bench"
DATABASE = "portfolio"
SIZES_VARIABLE = "BENCH_ACCOUNTS"


@dataclass(frozen=True)
class Built:
    accounts: int
    months: int
    seed: int
    end: str
    events: int
    invoices: int
    heavy: dict[str, int]  # account number -> its events
    commands: int
    write_seconds: float
    rebuild_seconds: float
    dump_seconds: float
    dump_bytes: int
    database_bytes: int
    refused: dict[str, int]  # steps the ledger refused, by command and reason
    schema: str  # the migration revisions it was built at

    @property
    def spec(self) -> PortfolioSpec:
        return PortfolioSpec(self.accounts, self.months, self.seed, date.fromisoformat(self.end))


def dump_path(accounts: int) -> Path:
    return HOME / f"portfolio-{accounts}.dump"


def built_info(accounts: int) -> Built | None:
    meta = dump_path(accounts).with_suffix(".json")
    if not meta.exists() or not dump_path(accounts).exists():
        return None
    return Built(**json.loads(meta.read_text()))


@contextmanager
def restored(accounts: int) -> Iterator[tuple[str, Built, PostgresServer]]:
    """A fresh server holding the built portfolio; its URL, what it holds, the server."""
    built = built_info(accounts)
    if built is None:
        raise SystemExit(
            f"no portfolio of {accounts:,} accounts in {HOME}: "
            f"run `make bench-portfolio BENCH_ACCOUNTS={accounts}` first"
        )
    if json.loads(built.schema) != runner.heads():
        say(f"warning: {dump_path(accounts)} was built at schema {built.schema}; this code's "
            f"is {runner.heads()}, so starting the ledger migrates it (build it again with "
            "--force for figures of this release)")
    with PostgresServer(database=DATABASE) as server:
        started = time.perf_counter()
        run_client("pg_restore", "--no-owner", "-j", "2", "-d", DATABASE,
                   *connection(server, database=False), str(dump_path(accounts)))
        engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as db:
            db.execute(text("ANALYZE"))
        engine.dispose()
        say(f"restored {dump_path(accounts)} in {time.perf_counter() - started:,.0f}s")
        yield server.url, built, server


def connection(server: PostgresServer, database: bool = True) -> list[str]:
    where = ["-h", server.host, "-p", str(server.port), "-U", SUPERUSER]
    return [*where, "-d", DATABASE] if database else where


def run_client(program: str, *arguments: str) -> None:
    binary = require_postgres_binaries().bin_dir / program
    result = subprocess.run([str(binary), *arguments], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
