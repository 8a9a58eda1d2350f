"""`colledger kpis --trend`: the KPIs of each calendar month, as ``GET /kpis/trend``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from colledger.commands_read_side import say_excluded
from colledger.rendering import console, emit_csv, emit_json, table
from ledger.canonical import plain
from ledger.projections.kpi_trend import MAX_MONTHS, KpiFilters, kpi_reads
from ledger.projections.read_models import COLLECTIONS, ReadModels

SHOWN = {"ending_ar": "AR", "credit_sales": "Sales", "dso": "DSO", "best_possible_dso": "Best",
         "count_back_dso": "Count-back", "cei": "CEI", "promise_kept_percent": "Kept %",
         "write_off_percent": "Written off %"}
"""The figures a table shows per month, and their headings (json and csv give every one)."""


def run_kpi_trend(args: argparse.Namespace,
                  read_models_for: Callable[[argparse.Namespace], ReadModels]) -> int:
    if not args.trend or args.start is not None:
        console.print("kpis: give --from and --to, or --trend [--months N] [--to D]")
        return 2
    if not 1 <= args.months <= MAX_MONTHS:
        console.print(f"kpis: --months must be 1 to {MAX_MONTHS}")
        return 2
    models = read_models_for(args)
    excluding = models.excluded(*COLLECTIONS)
    say_excluded(excluding)
    to: date = args.end or models.clock().date()
    filters = KpiFilters(agent=args.agent, segment=args.segment, account=args.account,
                         currency=args.currency)
    trend = kpi_reads(models).trend(args.months, to, filters, args.known_at, excluding)
    if args.format == "json":
        emit_json([plain(month) for month in trend])
        return 0
    rows = [vars(r) for month in trend for r in month.currencies]
    if args.format == "csv":
        emit_csv(list(rows[0]) if rows else ["currency"], rows)
        return 0
    for currency in sorted({r["currency"] for r in rows}):
        console.print(table(
            f"KPIs of {currency} by month, to {to}", ["Month", *SHOWN.values()],
            [[r["start"].strftime("%Y-%m"), *("—" if r[f] is None else r[f] for f in SHOWN)]
             for r in rows if r["currency"] == currency],
        ))
    if not rows:
        console.print(f"no activity in the {args.months} months to {to}")
    return 0
