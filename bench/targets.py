"""Issue 12's targets, each printed beside its same-run baseline, ratio, target and verdict.

Run ``python -m bench.targets`` (``make bench``): for each portfolio size (default 5,000
and 20,000 accounts; built once by ``make bench-portfolio`` and restored from
``var/bench/``), on a fresh throwaway PostgreSQL holding it:

1. aging over HTTP, 8 clients: as of today by portfolio, currency, agent; past dates as
   known at later times; by account (paged when the API can page);
2. an account of 10,000 and one of 1,000 events as of a date, as known at a time;
7. KPIs for a month, and a 12-month trend;
13. issue 13's workspace pages, each beside the API calls it reads as (`bench.page_targets`);
6. ``colledger verify``, and 3. a rebuild of every read model, beside reading and decoding
   the whole log; then whether the rebuilt tables have statistics;

then, on the largest size only: 4. relay and projection worker over the first 100,000
events, 15. a 100,000-line camt.053 imported and matched beside the parser alone, and
5. bulk and single writes and a CSV import beside the bare library. Last, the
growth of every aging figure from the smallest size to the largest. ``--quick`` is a
smoke run (500 and 2,000 accounts, few requests). The table goes to stdout, and as
markdown (with the machine) to ``--markdown`` (default ``var/bench/targets.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import (
    aging_targets,
    log_targets,
    machine,
    page_targets,
    plans,
    portfolio_build,
    portfolio_store,
    read_targets,
)
from bench.api_server import serving
from bench.append import say
from bench.cash_targets import cash_targets
from bench.http_load import Load
from bench.measurements import close
from bench.portfolio import PortfolioSpec
from bench.read_targets import Reads
from bench.relay_targets import relay_targets
from bench.target_rows import Row, render_markdown, render_text
from bench.write_targets import Sizes, write_targets
from infra.bootstrap import Ledger, bootstrap
from infra.settings import Settings
from ledger.projections.read_models import ReadModels
from tests.support.postgres_databases import unique_database_name

GROWTH = 4.5


@dataclass(frozen=True)
class Scale:
    requests: int
    budget: float
    account_repeat: int
    kpi_rounds: int
    relay_events: int
    writes: Sizes
    page_repeat: int
    statement_lines: int


FULL = Scale(200, 120.0, 20, 2, 100_000, Sizes(100_000, 2_000, 1_000), 20, 100_000)
QUICK = Scale(40, 20.0, 5, 1, 10_000, Sizes(10_000, 300, 100, 10), 5, 5_000)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.targets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small and short")
    parser.add_argument("--accounts", help=f"comma-separated portfolio sizes (default: "
                        f"${portfolio_store.SIZES_VARIABLE}, else 5000,20000; --quick: 500,2000)")
    parser.add_argument("--markdown", type=Path, default=Path("var/bench/targets.md"))
    parser.add_argument("--skip", default="", help="comma-separated targets to skip: "
                        "1,2,3,4,5,6,7,13,15")
    args = parser.parse_args(argv)
    sizes = args.accounts or os.environ.get(portfolio_store.SIZES_VARIABLE) or (
        "500,2000" if args.quick else "5000,20000")
    args.sizes = sorted(int(s) for s in sizes.split(",") if s.strip())
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.scale = QUICK if args.quick else FULL
    return args


def measure_size(accounts: int, args: argparse.Namespace, largest: bool,
                 facts: dict[str, str]) -> tuple[list[Row], dict[str, tuple[Load, Load]]]:
    scale: Scale = args.scale
    rows: list[Row] = []
    loads: dict[str, tuple[Load, Load]] = {}
    size = f"{accounts:,} accounts"
    load_before = machine.load_average()
    with portfolio_store.restored(accounts) as (url, built, server):
        facts.update({k: v for k, v in machine.describe(url).items() if k not in facts})
        facts[f"portfolio of {size}"] = describe_built(built)
        ledger = bootstrap(Settings(database_url=url))
        try:
            with serving(url) as api:
                reads = Reads(api, url, size, built.spec.end, built.heavy, scale.requests,
                              scale.budget, say, ledger.read_models)
                if "1" not in args.skip:
                    aging_rows, loads = aging_targets.aging_targets(reads)
                    rows += aging_rows
                if "2" not in args.skip:
                    rows += read_targets.account_targets(reads, scale.account_repeat)
                if "7" not in args.skip:
                    rows += read_targets.kpi_targets(reads, scale.kpi_rounds)
                if page_targets.TARGET not in args.skip:
                    rows += page_targets.page_targets(reads, scale.page_repeat)
            save_plans(ledger.read_models, built.spec, accounts)
            rows += log_rows(ledger, url, size, accounts, args.skip)
            if largest and "4" not in args.skip:
                rows += relay_targets(ledger.service, server, scale.relay_events, size, say)
            if largest and "15" not in args.skip:  # writes to the portfolio: after the reads
                rows += cash_targets(ledger, scale.statement_lines, size, say)
        finally:
            close(ledger.app)
        if largest and "5" not in args.skip:
            rows += write_targets(
                lambda label: server.create_database(unique_database_name(f"bench_{label}")),
                scale.writes, say)
    after = machine.load_average()
    facts[f"load average, {size}"] = f"{load_before} at its start, {after} at its end"
    return rows, loads


def log_rows(ledger: Ledger, url: str, size: str, accounts: int, skip: set[str]) -> list[Row]:
    if {"3", "6"} <= skip:
        return []
    rows = []
    baseline = log_targets.read_and_decode(ledger.app, say)
    if "6" not in skip:
        rows.append(log_targets.verify_target(url, baseline, size, say))
    if "3" not in skip:
        since = datetime.now(UTC)
        rows.append(log_targets.rebuild_target(ledger.read_models, baseline, size, say))
        rows += log_targets.statistics_after_rebuild(ledger.read_models, since, str(accounts),
                                                     size, say)
    return rows


def save_plans(models: ReadModels, spec: PortfolioSpec, accounts: int) -> None:
    """The aging query's plans as restored (statistics fresh from ANALYZE), for reading."""
    today = datetime.now(UTC).date()
    past = spec.end - timedelta(days=90)
    known_at = datetime.combine(past + timedelta(days=1), datetime.min.time(), UTC)
    for by in ("agent", "account"):
        path, seconds = plans.aging_plans(models, today, None, by, f"{accounts}-{by}-today")
        say(f"plan of aging by {by} as of today: {path} ({seconds * 1000:,.0f} ms in process)")
    path, seconds = plans.aging_plans(models, past, known_at, "agent", f"{accounts}-agent-past")
    say(f"plan of aging by agent as of {past} known at {known_at}: {path} "
        f"({seconds * 1000:,.0f} ms in process)")
    last = spec.end.replace(day=1) - timedelta(days=1)
    path, seconds = plans.kpi_plans(models, last.replace(day=1), last, f"{accounts}-kpis")
    say(f"plans of KPIs for {last:%B %Y}: {path} ({seconds * 1000:,.0f} ms in process)")


def describe_built(built: portfolio_store.Built) -> str:
    heavy = ", ".join(f"{n} ({e:,} events)" for n, e in built.heavy.items())
    return (f"{built.events:,} events, {built.invoices:,} invoices, {built.commands:,} "
            f"commands over {built.months} months to {built.end}; {heavy}; built in "
            f"{built.write_seconds:,.0f} s writing + {built.rebuild_seconds:,.0f} s "
            f"rebuilding read models; database {built.database_bytes / 2**20:,.0f} MiB, "
            f"dump {built.dump_bytes / 2**20:,.0f} MiB")


def growth_rows(small: int, large: int, loads: dict[int, dict[str, tuple[Load, Load]]]
                ) -> list[Row]:
    rows = []
    label = f"{small:,} -> {large:,} accounts"
    for name, (load, base) in loads[large].items():
        if name not in loads[small]:
            continue
        was, base_was = loads[small][name]
        grew, base_grew = load.median / was.median, base.median / base_was.median
        rows.append(Row("1d", f"growth of {name}", label,
                        f"{grew:.1f}x (median {was.median * 1000:,.0f} -> "
                        f"{load.median * 1000:,.0f} ms)", f"CRUD SQL {base_grew:.1f}x",
                        base_grew / grew, f"<= {GROWTH}x", grew <= GROWTH,
                        f"p99 {was.p99 * 1000:,.0f} -> {load.p99 * 1000:,.0f} ms"))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    for accounts in args.sizes:
        if portfolio_store.built_info(accounts) is None:
            say(f"no portfolio of {accounts:,} accounts kept yet: building it")
            portfolio_build.build(PortfolioSpec(accounts))
    facts: dict[str, str] = {"run": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
                             + (" (--quick)" if args.quick else "")}
    rows: list[Row] = []
    loads: dict[int, dict[str, tuple[Load, Load]]] = {}
    for accounts in args.sizes:
        measured, loads[accounts] = measure_size(accounts, args, accounts == args.sizes[-1],
                                                 facts)
        rows += measured
    if len(args.sizes) > 1:
        rows += growth_rows(args.sizes[0], args.sizes[-1], loads)
    rows.sort(key=lambda row: (row.target == page_targets.TARGET, row.target))  # issue 13 last
    facts["load average at end"] = machine.load_average()
    facts["niceness at end"] = str(os.nice(0))
    facts["whole run"] = f"{time.perf_counter() - started:,.0f} s"
    print(render_text(rows))
    print()
    for name, value in facts.items():
        print(f"{name}: {value}")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(render_markdown(rows, facts) + "\n")
    say(f"markdown written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
