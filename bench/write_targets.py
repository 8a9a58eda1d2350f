"""Target 5: writing, beside the bare eventsourcing library writing the same events.

- ``execute_batch`` bulk and one command per transaction: `bench.append`'s four runs,
  each in a fresh database on the benchmark's PostgreSQL server.
- ``colledger import invoices``: an ERP open-items file (accounts opened on their first
  row, then their invoices) parsed and run as the command does (`parse_invoices`,
  `run_import`: one atomic batch), beside the library saving the same openings and
  invoices in one ``save``. Afterwards every account's invoices must be in its stream in
  the file's order, which is the ordering guarantee an import gives.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from bench.append import measure_store
from bench.baseline import BaselineApplication
from bench.measurements import BULK, SINGLE, Measurement, close, events_in
from bench.target_rows import Row
from bench.workload import Step, amount_for
from infra.bootstrap import bootstrap, event_store_env
from infra.settings import Settings
from ledger.aggregates import account_id_for
from ledger.commands.base import SERVICE_ACTOR
from ledger.imports import parse_invoices, run_import

Progress = Callable[[str], None]
NewStore = Callable[[str], str]
FIRST_DAY = date(2025, 1, 1)


@dataclass(frozen=True)
class Sizes:
    bulk_events: int
    single_commands: int
    import_accounts: int
    invoices_per_account: int = 20


def write_targets(new_store: NewStore, sizes: Sizes, say: Progress) -> list[Row]:
    args = SimpleNamespace(events=sizes.bulk_events, single=sizes.single_commands,
                           accounts=300, chunk=1_000)
    runs = measure_store("postgres", new_store, args)  # type: ignore[arg-type]
    rows = [_append_row(runs, BULK, 2.0), _append_row(runs, SINGLE, 0.9)]
    rows.append(_import_row(new_store, sizes, say))
    return rows


def _append_row(runs: list[Measurement], scenario: str, goal: float) -> Row:
    ledger, base = (next(r for r in runs if (r.scenario, r.system) == (scenario, system))
                    for system in ("ledger", "baseline"))
    ratio = ledger.events_per_second / base.events_per_second
    what = ("execute_batch, whole histories, 1,000 commands a transaction"
            if scenario == BULK else "single commands, one a transaction (execute)")
    return Row("5", what, f"{ledger.events:,} events",
               f"{ledger.events_per_second:,.0f} events/s",
               f"library {base.events_per_second:,.0f} events/s", ratio, f"ratio >= {goal}",
               ratio >= goal, "bench.append's workload (bench/README.md)")


def _import_row(new_store: NewStore, sizes: Sizes, say: Progress) -> Row:
    csv_text, steps = open_items_file(sizes.import_accounts, sizes.invoices_per_account)
    service = bootstrap(Settings(database_url=new_store("import_ledger"))).service
    try:
        started = time.perf_counter()
        plan = parse_invoices(io.StringIO(csv_text), source="bench-open-items.csv")
        report = run_import(service, plan, SERVICE_ACTOR, skip_invalid=False)
        seconds = time.perf_counter() - started
        events = events_in(service.app)
        disordered = _out_of_order(service.app, sizes)
    finally:
        close(service.app)
    base_events, base_seconds = _library_save(new_store("import_baseline"), steps)
    rate, base_rate = events / seconds, base_events / base_seconds
    say(f"import: {report.rows_written:,} rows, {events:,} events in {seconds:.1f}s; library "
        f"{base_events:,} in {base_seconds:.1f}s; {disordered} accounts out of order")
    ratio = rate / base_rate
    return Row("5", "colledger import invoices (one atomic batch)",
               f"{sizes.import_accounts * sizes.invoices_per_account:,} rows",
               f"{rate:,.0f} events/s", f"library {base_rate:,.0f} events/s", ratio,
               "ratio >= 2.0, file order kept", ratio >= 2.0 and not disordered
               and not report.errors,
               f"{len(report.errors)} row errors; accounts whose invoices are not in file "
               f"order: {disordered}")


def open_items_file(accounts: int, invoices: int) -> tuple[str, list[Step]]:
    lines = ["account,customer_name,terms_days,invoice_id,issue_date,amount,currency"]
    steps = []
    for a in range(accounts):
        number = f"IMP-{a:05d}"
        steps.append(Step("open", number, 0))
        for serial in range(1, invoices + 1):
            step = Step("invoice", number, serial, amount_for(a, serial))
            name = f"Imported Customer {a}" if serial == 1 else ""
            issued = FIRST_DAY + timedelta(days=serial)
            lines.append(f"{number},{name},{30 if serial == 1 else ''},{step.invoice_id},"
                         f"{issued},{step.amount},EUR")
            steps.append(step)
    return "\n".join(lines) + "\n", steps


def _out_of_order(app: Any, sizes: Sizes) -> int:
    wrong = 0
    for a in range(sizes.import_accounts):
        number = f"IMP-{a:05d}"
        ids = [getattr(e, "invoice_id", None) for e in app.account_events(account_id_for(number))]
        expected = [f"INV-{number}-{s}" for s in range(1, sizes.invoices_per_account + 1)]
        wrong += [i for i in ids if i is not None] != expected
    return wrong


def _library_save(url: str, steps: list[Step]) -> tuple[int, float]:
    app = BaselineApplication(env=event_store_env(url))
    try:
        started = time.perf_counter()
        app.import_steps(steps)
        return events_in(app), time.perf_counter() - started
    finally:
        close(app)
