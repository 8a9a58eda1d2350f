"""How fast the ledger appends, beside the bare eventsourcing library on the same store.

Run ``python -m bench.append`` (or ``make bench``); ``--help`` lists the sizes. Two
scenarios per store: ``single`` carries out one command per transaction
(``service.execute``), ``bulk`` imports whole account histories ~1,000 commands per
transaction (``service.execute_batch``). Each prints beside its baseline, measured in
the same run on the same kind of store, and the ratio of the two rates. See
bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from bench import measurements as runs
from bench.measurements import BULK, SINGLE, Measurement
from bench.stores import STORES, NewStore
from bench.workload import Step, bulk_import, chunks, expected_events, single_commands

COLUMNS = ("scenario", "store", "system", "events", "txns", "seconds", "events/s", "ratio")


def count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive count")
    return value


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.append",
        description=__doc__,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--events", type=count, default=100_000, help="events in the bulk import")
    parser.add_argument("--single", type=count, default=2_000, help="commands, one per transaction")
    parser.add_argument("--accounts", type=count, default=300, help="accounts for --single")
    parser.add_argument("--chunk", type=count, default=1_000, help="commands per bulk transaction")
    parser.add_argument(
        "--stores", default=",".join(STORES), help=f"comma-separated, of: {', '.join(STORES)}"
    )
    args = parser.parse_args(argv)
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = [s for s in args.stores if s not in STORES]
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}; choose from {', '.join(STORES)}")
    return args


@dataclass(frozen=True)
class Planned:
    scenario: str
    system: str
    steps: list[Step]
    transactions: int
    run: Callable[[str], tuple[int, float]]  # store URL -> (events written, seconds)


def planned(args: argparse.Namespace) -> list[Planned]:
    openings, singles = single_commands(args.accounts, args.single)
    bulk = bulk_import(args.events)
    txns = len(chunks(bulk, args.chunk))
    one_by_one, in_chunks = (openings, singles), (bulk, args.chunk)
    return [
        Planned(SINGLE, "ledger", singles, len(singles), partial(runs.ledger_single, *one_by_one)),
        Planned(
            SINGLE, "baseline", singles, len(singles), partial(runs.baseline_single, *one_by_one)
        ),
        Planned(BULK, "ledger", bulk, txns, partial(runs.ledger_bulk, *in_chunks)),
        Planned(BULK, "baseline", bulk, txns, partial(runs.baseline_bulk, *in_chunks)),
    ]


def measure_store(store: str, new_store: NewStore, args: argparse.Namespace) -> list[Measurement]:
    results = []
    for plan in planned(args):
        expected = expected_events(plan.steps)
        what = f"{expected:,} events in {plan.transactions:,} transactions"
        say(f"{store}: {plan.scenario} {plan.system}: {what}")
        events, seconds = plan.run(new_store(f"{plan.scenario}_{plan.system}"))
        if events != expected:
            say(f"  warning: {events:,} events written, {expected:,} planned")
        row = Measurement(plan.scenario, store, plan.system, events, plan.transactions, seconds)
        say(f"  {seconds:.2f}s, {row.events_per_second:,.0f} events/s")
        results.append(row)
    return results


def ratio(row: Measurement, rows: list[Measurement]) -> str:
    """The ledger's rate as a fraction of its baseline's; blank on baseline rows."""
    if row.system != "ledger":
        return ""
    for other in rows:
        if (other.scenario, other.store, other.system) == (row.scenario, row.store, "baseline"):
            return f"{row.events_per_second / other.events_per_second:.2f}"
    return "-"


def render(rows: list[Measurement]) -> str:
    cells = [COLUMNS] + [
        (
            row.scenario,
            row.store,
            row.system,
            f"{row.events:,}",
            f"{row.transactions:,}",
            f"{row.seconds:.2f}",
            f"{row.events_per_second:,.0f}",
            ratio(row, rows),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    rows: list[Measurement] = []
    for store in args.stores:
        with STORES[store]() as new_store:
            rows += measure_store(store, new_store, args)
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
