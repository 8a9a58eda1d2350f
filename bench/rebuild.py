"""How fast every read model rebuilds from the whole log, and how fast aging answers.

Run ``python -m bench.rebuild`` (``--help`` lists the sizes). On PostgreSQL, an event
store is filled with the demo portfolio scaled up to ``--events`` (1,000,000 by
default; that set-up is timed and printed apart), then, in the same run:

- the bare library reads and decodes the whole log (the baseline);
- ``ReadModels.rebuild()`` replays it into every projection and swaps the tables in;
- ``ReadModels.aging`` runs as of a past date, by account, currency and agent, with and
  without ``known_at``: median and p95 latency.

See bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from bench import aging_latency, demo_store, rebuild_report, replay_rates
from bench.append import count, say
from bench.measurements import close, events_in
from bench.stores import postgres_stores
from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.service import LedgerService

FULL_SIZE = 1_000_000
AGING_ACCOUNTS = 10_000


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rebuild",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--events",
        type=count,
        default=FULL_SIZE,
        help="events the store holds (default: %(default)s)",
    )
    parser.add_argument("--months", type=count, default=12, help="demo months (default: 12)")
    parser.add_argument("--seed", type=int, default=7, help="demo seed (default: 7)")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date(2025, 6, 30),
        help="the demo's last business day (default: 2025-06-30)",
    )
    parser.add_argument(
        "--aging-accounts",
        type=int,
        default=None,
        help=f"least accounts to generate (default: {AGING_ACCOUNTS:,} at full "
        f"size, none below {FULL_SIZE:,} events)",
    )
    parser.add_argument(
        "--days-back",
        type=int,
        default=60,
        help="aging as of this many days before --end (default: 60)",
    )
    parser.add_argument(
        "--repeat", type=count, default=10, help="timed runs of each aging query (default: 10)"
    )
    parser.add_argument(
        "--batch",
        type=count,
        default=5_000,
        help="notifications per read, rebuild and baseline (default: 5000)",
    )
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="keep the store in this database and skip generating when it "
        "already holds --events events",
    )
    args = parser.parse_args(argv)
    if args.aging_accounts is None:
        args.aging_accounts = AGING_ACCOUNTS if args.events >= FULL_SIZE else 0
    return args


@contextmanager
def store_url(args: argparse.Namespace) -> Iterator[str]:
    if args.reuse:
        yield args.reuse
        return
    with postgres_stores() as new_store:
        yield new_store("rebuild")


def fill(service: LedgerService, args: argparse.Namespace) -> demo_store.Generated | None:
    """Generate the store, unless ``--reuse`` found it full already."""
    held = events_in(service.app)
    if held >= args.events and args.reuse:
        say(f"reusing the store: it holds {held:,} events")
        return None
    if held:
        raise SystemExit(
            f"the store holds {held:,} events, fewer than --events {args.events:,}:"
            " give --reuse an empty database, or one filled by an earlier run"
        )
    say(f"probing {demo_store.PROBE_ACCOUNTS} demo accounts over {args.months} months")
    per_account = demo_store.events_per_account(args.months, args.seed, args.end)
    accounts = demo_store.accounts_for(args.events, per_account, args.aging_accounts)
    say(f"  {per_account:.1f} events per account: generating {accounts:,} accounts")
    portfolio = demo_store.Portfolio(accounts, args.months, args.seed, args.end)
    generated = demo_store.generate(service, portfolio, every(30, "generated {:,} events"))
    if generated.events < args.events:
        say(f"  warning: {generated.events:,} events generated, fewer than {args.events:,}")
    return generated


def every(seconds: float, message: str) -> Callable[..., None]:
    """A progress callback that speaks at most once per ``seconds``."""
    last = [time.monotonic()]

    def report(*values: int) -> None:
        if time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            say(message.format(*values))

    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    with store_url(args) as url:
        ledger = bootstrap(Settings(database_url=url))
        service, read_models = ledger.service, ledger.read_models
        try:
            generated = fill(service, args)
            app = service.app
            progress = every(30, "  at {:,} of {:,}")
            say("baseline: read and decode the whole log")
            baseline = replay_rates.read_and_decode(app, args.batch, progress)
            say(f"rebuild: {replay_rates.projection_names()}")
            rebuild = replay_rates.rebuild_all(read_models, args.batch, baseline.events, progress)
            accounts = aging_latency.accounts_in(read_models)
            if accounts < args.aging_accounts:
                say(f"warning: {accounts:,} accounts, fewer than {args.aging_accounts:,}")
            as_of = args.end - timedelta(days=args.days_back)
            known_at = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)
            aging = aging_latency.measure(read_models, as_of, known_at, args.repeat, say)
            print(rebuild_report.generation(generated, events_in(app)))
            print()
            print(rebuild_report.replays(baseline, rebuild))
            print()
            print(rebuild_report.aging(aging, as_of, accounts, args.repeat))
        finally:
            close(service.app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
