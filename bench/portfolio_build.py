"""Building the benchmark portfolios: ``python -m bench.portfolio_build``.

For each size, a throwaway PostgreSQL; the portfolio (`bench.portfolio`) written through
the ledger's bulk path by two processes side by side; every read model rebuilt; then
``pg_dump -Fc`` to ``var/bench/portfolio-N.dump`` and what it holds, and how long each step
took, to ``portfolio-N.json`` (`bench.portfolio_store`). A size already kept is skipped
(``--force`` builds it again). ``make bench-portfolio`` runs it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import create_engine, text

from bench.append import count, say
from bench.measurements import close, events_in
from bench.portfolio import PortfolioSpec, Written, heavy_number, write
from bench.portfolio_store import (
    DATABASE,
    SIZES_VARIABLE,
    Built,
    built_info,
    connection,
    dump_path,
    run_client,
)
from infra.bootstrap import bootstrap
from infra.migrations import runner
from infra.settings import Settings
from tests.support.postgres_server import PostgresServer

WRITERS = 2


def build(spec: PortfolioSpec, writers: int = WRITERS) -> Built:
    with PostgresServer(database=DATABASE) as server:
        ledger = bootstrap(Settings(database_url=server.url))
        try:
            say(f"writing {spec.accounts:,} accounts over {spec.months} months to {spec.end}")
            started = time.perf_counter()
            done = write_in_parallel(server.url, spec, writers)
            written = time.perf_counter() - started
            say(f"  {done.commands:,} commands in {written:,.0f}s, {sum(done.refused.values())}"
                " refused; rebuilding the read models")
            started = time.perf_counter()
            ledger.read_models.rebuild()
            rebuilt = time.perf_counter() - started
            events = events_in(ledger.app)
        finally:
            close(ledger.app)
        facts = portfolio_facts(server.url, spec)
        target = dump_path(spec.accounts)
        target.parent.mkdir(parents=True, exist_ok=True)
        say(f"  rebuilt in {rebuilt:,.0f}s; dumping to {target}")
        started = time.perf_counter()
        run_client("pg_dump", "-Fc", "-Z", "1", "-f", str(target), *connection(server))
        dumped = time.perf_counter() - started
    built = Built(
        spec.accounts, spec.months, spec.seed, spec.end.isoformat(), events,
        facts["invoices"], facts["heavy"], done.commands, round(written, 1),
        round(rebuilt, 1), round(dumped, 1), target.stat().st_size, facts["bytes"],
        done.refused, facts["revision"],
    )
    target.with_suffix(".json").write_text(json.dumps(asdict(built), indent=2) + "\n")
    return built


def write_in_parallel(url: str, spec: PortfolioSpec, writers: int) -> Written:
    """``writers`` processes, each writing every ``writers``-th account: one alone waits on
    the database about half the time, so two keep both cores busy. Accounts never share a
    command, so this changes only how their batches interleave in the log."""
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        shares = pool.starmap(write_share, [(url, spec, k, writers) for k in range(writers)])
    total = Written(sum(w.commands for w in shares))
    for share in shares:
        for reason, n in share.refused.items():
            total.refused[reason] = total.refused.get(reason, 0) + n
    return total


def write_share(url: str, spec: PortfolioSpec, share: int, shares: int) -> Written:
    service = bootstrap(Settings(database_url=url)).service
    try:
        report = progress(service.app) if share == 0 else (lambda _: None)
        return write(service, spec.steps(share, shares), report)
    finally:
        close(service.app)


def progress(app: Any) -> Callable[[int], None]:
    """Speaks at most once a minute."""
    last = [time.monotonic()]

    def report(commands: int) -> None:
        if time.monotonic() - last[0] >= 60:
            last[0] = time.monotonic()
            say(f"  {commands:,} commands, {events_in(app):,} events")

    return report


def portfolio_facts(url: str, spec: PortfolioSpec) -> dict[str, Any]:
    from ledger.aggregates import account_id_for

    engine = create_engine(url)
    try:
        with engine.connect() as db:
            invoices = db.execute(text("SELECT count(*) FROM rm_invoices")).scalar_one()
            size = db.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            revision = json.dumps(runner.current(db), sort_keys=True)
            heavy = {}
            for events in spec.heavy:
                number = heavy_number(events)
                heavy[number] = db.execute(
                    text("SELECT count(*) FROM ledger_events"
                         " WHERE originator_id = CAST(:id AS uuid)"),
                    {"id": str(account_id_for(number))},
                ).scalar_one()
    finally:
        engine.dispose()
    return {"invoices": invoices, "bytes": size, "heavy": heavy, "revision": revision}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.portfolio_build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", default=os.environ.get(SIZES_VARIABLE, "5000,20000"),
                        help=f"comma-separated portfolio sizes to build (default: "
                        f"${SIZES_VARIABLE}, else 5000,20000)")
    parser.add_argument("--months", type=count, default=16)
    parser.add_argument("--writers", type=count, default=WRITERS,
                        help="processes writing accounts side by side")
    parser.add_argument("--force", action="store_true", help="rebuild a portfolio already kept")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    for accounts in sorted(int(a) for a in args.accounts.split(",") if a.strip()):
        if built_info(accounts) and not args.force:
            say(f"{dump_path(accounts)} is already built (--force to build it again)")
            continue
        started = time.perf_counter()
        built = build(PortfolioSpec(accounts, months=args.months), args.writers)
        print(f"portfolio of {built.accounts:,} accounts: {built.events:,} events, "
              f"{built.invoices:,} invoices, heavy accounts {built.heavy}; built in "
              f"{time.perf_counter() - started:,.0f}s (writing {built.write_seconds:,.0f}s, "
              f"rebuild {built.rebuild_seconds:,.0f}s, dump {built.dump_seconds:,.0f}s); "
              f"database {built.database_bytes / 2**20:,.0f} MiB, "
              f"dump {built.dump_bytes / 2**20:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
