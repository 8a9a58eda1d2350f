"""`colledger fx import FILE` and `colledger fx list --date`: FX rates, reference data
(docs/domain.md, *Reporting currency*, which names the columns)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from colledger.rendering import console
from colledger.wiring import ledger_for
from infra.bootstrap import utc_now
from ledger.fx_rates import FxRates
from ledger.imports.fx_rates import parse_rates_csv


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    fx = sub.add_parser("fx", help="FX rates (reference data)").add_subparsers(
        dest="fx_command", required=True, metavar="COMMAND")
    imports = fx.add_parser("import", help="import rates from a CSV file (all or nothing; "
                            "the same rates again change nothing)")
    imports.add_argument("file", type=Path)
    imports.set_defaults(run=run_import_rates)
    listing = fx.add_parser("list", help="the rates of a day")
    listing.add_argument("--date", type=iso_date, dest="rate_date",
                         help="the rates' date (default: today)")
    listing.set_defaults(run=run_list_rates)


def _rates(args: argparse.Namespace) -> FxRates:
    return FxRates(ledger_for(args).service.app.datastore.engine)


def run_import_rates(args: argparse.Namespace) -> int:
    with args.file.open(newline="", encoding="utf-8-sig") as handle:
        parsed = parse_rates_csv(handle, source=args.file.name)
    result = _rates(args).import_rates(parsed, utc_now())
    for error in result.errors:
        column = f" ({error.column})" if error.column else ""
        console.print(f"row {error.row_number}{column}: {error.message}", style="red",
                      markup=False)
    if result.errors:
        console.print(f"{len(result.errors)} problem(s); nothing imported")
        return 1
    console.print(f"{result.added} rates new, {result.unchanged} already imported")
    return 0


def run_list_rates(args: argparse.Namespace) -> int:
    day = args.rate_date or utc_now().date()
    for stored in _rates(args).on(day):
        r = stored.rate
        console.print(f"{r.rate_date} {r.base}/{r.quote} {r.rate} ({stored.source})",
                      highlight=False)
    return 0
