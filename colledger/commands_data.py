"""`colledger init`, `colledger demo` and `colledger import invoices|payments`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from rich.progress import Progress

from colledger import commands_cash
from colledger.demo_keys import DEMO_ACTORS
from colledger.rendering import console
from colledger.wiring import ledger_for, service_for, settings_for
from infra.bootstrap import utc_now
from infra.migrations.runner import current
from ledger.cash.application import CashApplication
from ledger.commands.base import SERVICE_ACTOR, Actor
from ledger.demo import DemoStep, demo_commands
from ledger.demo.morning_statement import morning_statement
from ledger.imports import ImportReport, parse_invoices, parse_payments, run_import
from ledger.projections.owing_invoices import owing_invoices
from ledger.service import LedgerService

DEMO_BATCH = 400


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    init = sub.add_parser("init", help="create the event store, or upgrade its schema")
    init.set_defaults(run=run_init)

    demo = sub.add_parser("demo", help="load a deterministic, realistic demo portfolio")
    demo.add_argument("--accounts", type=int, default=50)
    demo.add_argument("--months", type=int, default=12)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--end", type=iso_date, help="last business day (default: today)")
    demo.add_argument("--morning-statement", action="store_true",
                      help="then import this morning's bank statement as the demo's cashier "
                           "(make run does): a queue of receipts to work")
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing when the store already has accounts"
    )
    demo.set_defaults(run=run_demo)

    imports = sub.add_parser("import", help="import an ERP or bank file").add_subparsers(
        dest="import_kind", required=True, metavar="KIND"
    )
    kinds = (("invoices", "an ERP open-items CSV"), ("payments", "a bank remittance CSV"))
    for kind, what in kinds:
        parser = imports.add_parser(kind, help=f"import {what} (columns: docs/imports.md)")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, report the rest"
        )
        parser.set_defaults(run=run_import_file, parse=parse_invoices if kind == "invoices"
                            else parse_payments)
    commands_cash.register_import(imports)


def run_init(args: argparse.Namespace) -> int:
    """Whatever the settings say, init brings the schema to the latest revision."""
    service = ledger_for(args, upgrade_schema_on_start=True).service
    console.print(
        f"event store ready at {settings_for(args).database_url} "
        f"({len(service.account_numbers())} accounts; schema {describe(current_schema(service))})"
    )
    return 0


def current_schema(service: LedgerService) -> dict[str, str | None]:
    with service.app.datastore.engine.connect() as connection:
        return current(connection)


def describe(revisions: dict[str, str | None]) -> str:
    return ", ".join(f"{branch} {revision}" for branch, revision in revisions.items())


def run_demo(args: argparse.Namespace) -> int:
    service = service_for(args)
    if args.if_empty and service.account_numbers():
        console.print("store already has accounts: demo portfolio not loaded")
        return 0
    end = args.end or utc_now().date()
    steps = list(demo_commands(args.accounts, args.months, args.seed, end))
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task("loading demo portfolio", total=len(steps))
        for batch in _batches(steps):
            report = service.execute_batch(
                [s.command for s in batch], batch[0].actor,
                recorded_at=[s.recorded_at for s in batch], actors=[s.actor for s in batch],
            )
            if report.errors:
                position, error = next(iter(sorted(report.errors.items())))
                console.print(f"[red]demo step rejected: {batch[position].command!r}: {error}")
                return 1
            progress.advance(task, len(batch))
    console.print(
        f"loaded {len(steps)} commands for {args.accounts} accounts over {args.months} months"
    )
    if args.morning_statement:
        _import_morning_statement(service, end, args.seed)
    return 0


def _import_morning_statement(service: LedgerService, day: date, seed: int) -> None:
    """This morning's bank statement, imported as the demo's cashier: the receipts queue,
    the cash-application report and the dashboard have a morning to show."""
    models = service.read_models
    models.catch_up()
    owing = models.read(lambda s: owing_invoices(s, models.tables("open_items")))
    report = CashApplication(service).import_statement(
        morning_statement(owing, day, seed), Actor(DEMO_ACTORS["cashier"], "cashier"), "csv",
        source="demo: this morning's statement")
    console.print(f"this morning's statement: {report.recorded} receipts, {report.matched} "
                  f"matched, {report.unidentified} for the cashier (colledger receipts list)")


def _batches(steps: list[DemoStep]) -> Iterator[list[DemoStep]]:
    """Chunks of consecutive steps: one transaction each."""
    for start in range(0, len(steps), DEMO_BATCH):
        yield steps[start : start + DEMO_BATCH]


def run_import_file(args: argparse.Namespace) -> int:
    service = service_for(args)
    with args.file.open(newline="", encoding="utf-8-sig") as handle:
        plan = args.parse(handle, source=args.file.name)
    with Progress(console=console) as progress:
        task = progress.add_task(f"importing {args.file.name}", total=len(plan.rows))
        report = run_import(
            service, plan, SERVICE_ACTOR, skip_invalid=args.skip_invalid,
            progress=lambda n: progress.advance(task, n),
        )
    _print_import(report)
    return 1 if report.errors and not args.skip_invalid else 0


def _print_import(report: ImportReport) -> None:
    for error in report.errors:
        column = f" [{error.column}]" if error.column else ""
        console.print(f"[red]row {error.row_number}{column}: {error.message}[/red]")
    verdict = "written" if report.written else "nothing written"
    console.print(
        f"{report.rows_total} rows: {report.rows_written} new, "
        f"{report.rows_already_imported} already imported, {len(report.errors)} invalid; {verdict}"
    )
