"""`colledger status` and `colledger rebuild --account`: the read side for operators.

``status`` says where each read model is and the last day ticked per portfolio, and
names every quarantined account with the event and the error that stopped it (exit code
1 while any is quarantined, so a script can alert on it); ``rebuild --account``
re-applies one account once the cause is fixed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from colledger.rendering import console, emit_json, table
from colledger.wiring import ledger_for
from ledger.aggregates import account_id_for
from ledger.canonical import plain
from ledger.projections.exclusions import Exclusions

FORMATS = ("table", "json")


def register(sub: Any) -> None:
    status = sub.add_parser("status", help="read models: positions, lag, quarantined accounts")
    status.add_argument("--format", choices=FORMATS, default="table")
    status.set_defaults(run=run_status)


def run_status(args: argparse.Namespace) -> int:
    ledger = ledger_for(args)
    models = ledger.read_models
    found = models.status()
    ticked = ledger.daily_loop.days.last_days()
    days = [{"portfolio": name, "last_day": ticked.get(name, (None, None))[0],
             "ticked_at": ticked.get(name, (None, None))[1]}
            for name in sorted({*ledger.daily_loop.portfolios.names(), *ticked})]
    if args.format == "json":
        emit_json(plain({"head": found.head, "degraded": found.degraded,
                         "projections": [vars(p) for p in found.projections],
                         "quarantines": [vars(q) for q in found.quarantines],
                         "days_ticked": days}))
        return 1 if found.degraded else 0
    console.print(table(
        f"Read models (log head {found.head})",
        ["Projection", "Position", "Lag", "Quarantined accounts"],
        [[p.name, p.position, p.lag, p.quarantined_accounts] for p in found.projections],
    ))
    console.print(table(
        "Days ticked (the daily loop)", ["Portfolio", "Last day ticked", "At"],
        [[d["portfolio"], d["last_day"] or "never", d["ticked_at"] or ""] for d in days],
    ))
    if found.quarantines:
        console.print("[bold]Quarantined accounts[/bold] (left out of every read; fix the "
                      "cause, then: colledger rebuild --account ACCOUNT)")
    for q in found.quarantines:
        console.print(
            f"  {q.projection}: {q.account_number or '?'} ({q.account_id}) at position "
            f"{q.position}, version {q.version} {q.event_type}, since "
            f"{q.recorded_at.isoformat(timespec='seconds')}, events skipped: {q.skipped}\n"
            f"    {q.error_class}: {q.error}", markup=False, highlight=False,
        )
    return 1 if found.degraded else 0


def run_account_rebuild(args: argparse.Namespace) -> int:
    """Exit code 1 if the account is still quarantined somewhere."""
    models = ledger_for(args).read_models
    outcomes = models.rebuild_account(account_id_for(args.account), args.projection or None)
    for outcome in outcomes:
        if outcome.still is not None:
            state = f"still quarantined: {outcome.still.error_class}: {outcome.still.error} " \
                    f"({outcome.still.event_type} v{outcome.still.version})"
        else:
            state = "quarantine lifted" if outcome.was_quarantined else "ok"
        console.print(f"{outcome.projection}: {outcome.events} events re-applied; {state}")
    return 1 if any(o.still is not None for o in outcomes) else 0


def say_excluded(excluding: Exclusions) -> None:
    """On stderr, so JSON and CSV on stdout stay as they are."""
    if excluding.accounts:
        print(f"note: {excluding.note} ({', '.join(excluding.numbers)}): a read model could "
              "not project them; see colledger status", file=sys.stderr)
