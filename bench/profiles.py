"""Where the time of a missed target goes: cProfile of one run of it on a kept portfolio.

``python -m bench.profiles --accounts 5000 aging kpis rebuild relay import`` restores the
portfolio into a throwaway PostgreSQL (`bench.portfolio_store`) and profiles, in this
process, what each named target times: aging by agent as of today, one month's KPIs
(``GET /kpis``'s two reads), a rebuild of every read model, the relay publishing the first
``--events`` events to a Tansu broker, and a CSV import of ``--rows`` rows. The top of each
profile (by own time and by cumulative time) goes to ``var/bench/profiles/NAME.txt``;
``plans`` writes the plans of aging and KPIs instead (`bench.plans`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bench import plans
from bench.append import count, say
from bench.measurements import close
from bench.portfolio_store import restored
from bench.relay import broker
from bench.write_targets import open_items_file
from consumers.relay import Relay, RelayOptions
from infra.bootstrap import Ledger, bootstrap
from infra.settings import Settings
from ledger.commands.base import SERVICE_ACTOR
from ledger.imports import parse_invoices, run_import

PROFILES = Path("var") / "bench" / "profiles"
TOP = 30


def profiled(name: str, work: Callable[[], object]) -> Path:
    profile = cProfile.Profile()
    profile.enable()
    work()
    profile.disable()
    out = io.StringIO()
    for order in ("tottime", "cumulative"):
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(TOP)
    PROFILES.mkdir(parents=True, exist_ok=True)
    path = PROFILES / f"{name}.txt"
    path.write_text(out.getvalue())
    return path


def aging(ledger: Ledger, _: argparse.Namespace) -> None:
    ledger.read_models.aging(datetime.now(UTC).date(), None, "agent")


def kpis(ledger: Ledger, args: argparse.Namespace) -> None:
    last = args.end.replace(day=1) - timedelta(days=1)
    ledger.read_models.kpis(last.replace(day=1), last)
    ledger.read_models.agent_performance(last.replace(day=1), last)


def rebuild(ledger: Ledger, _: argparse.Namespace) -> None:
    ledger.read_models.rebuild()


def relay(ledger: Ledger, args: argparse.Namespace) -> None:
    with broker(None) as kafka:
        topic = f"bench.profile.{uuid.uuid4().hex[:8]}"
        publisher = Relay(ledger.app, kafka, RelayOptions(topic=topic, partitions=8))
        published = 0
        try:
            while published < args.events and (sent := publisher.publish_batch()):
                published += sent
        finally:
            publisher.close()


def import_rows(ledger: Ledger, args: argparse.Namespace) -> None:
    csv_text, _ = open_items_file(args.rows // 20, 20)
    plan = parse_invoices(io.StringIO(csv_text), source="bench-profile.csv")
    run_import(ledger.service, plan, SERVICE_ACTOR, skip_invalid=False)


def explain(ledger: Ledger, args: argparse.Namespace) -> None:
    """Not a profile: the plans of aging (today, and 90 days before the portfolio's end as
    known a day later) and of a month's KPIs (`bench.plans`)."""
    models, today = ledger.read_models, datetime.now(UTC).date()
    last = args.end.replace(day=1) - timedelta(days=1)
    past = args.end - timedelta(days=90)
    known_at = datetime.combine(past, datetime.min.time(), UTC) + timedelta(days=1)
    for path, _ in (plans.aging_plans(models, today, None, "agent", f"{args.accounts}-agent"),
                    plans.aging_plans(models, past, known_at, "agent",
                                      f"{args.accounts}-agent-past"),
                    plans.kpi_plans(models, last.replace(day=1), last, f"{args.accounts}-kpis")):
        say(f"plans: {path}")


TARGETS: dict[str, Callable[[Ledger, argparse.Namespace], None]] = {
    "aging": aging, "kpis": kpis, "rebuild": rebuild, "relay": relay, "import": import_rows,
    "plans": explain,
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profiles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="+", choices=sorted(TARGETS))
    parser.add_argument("--accounts", type=count, default=5_000)
    parser.add_argument("--events", type=count, default=20_000, help="relay: events")
    parser.add_argument("--rows", type=count, default=4_000, help="import: CSV rows")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    with restored(args.accounts) as (url, built, _):
        args.end = built.spec.end
        ledger = bootstrap(Settings(database_url=url))
        try:
            for name in args.targets:
                path = profiled(f"{args.accounts}-{name}", partial(TARGETS[name], ledger, args))
                say(f"{name}: {path}")
        finally:
            close(ledger.app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
