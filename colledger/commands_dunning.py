"""`colledger dunning dry-run --day D` (what the day's dunning run would issue; writes nothing),
`colledger dunning deliver` (e-mail the notices issued and not yet delivered) and
`colledger policies` (the policies in force, as ``GET /policies``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from colledger.rendering import console, emit_json, table
from colledger.wiring import ledger_for
from ledger.daily_loop.dunning_dry_run import dunning_dry_run
from ledger.policies_in_force import policies_in_force


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    dunning = sub.add_parser("dunning", help="dunning runs").add_subparsers(
        dest="dunning_command", required=True, metavar="COMMAND")
    dry = dunning.add_parser("dry-run", help="what the day's dunning run would issue, per "
                             "account (nothing is written)")
    dry.add_argument("--day", type=iso_date, help="the run's day (default: today)")
    dry.add_argument("--segment", help="one segment (default: all)")
    dry.add_argument("--format", choices=("table", "json"), default="table")
    dry.set_defaults(run=run_dry_run)
    deliver = dunning.add_parser("deliver", help="e-mail the notices issued and not yet "
                                 "delivered (COLLEDGER_SMTP_HOST)")
    deliver.set_defaults(run=run_deliver)
    policies = sub.add_parser("policies", help="the policies in force (json)")
    policies.add_argument("--day", type=iso_date, help="in force on this day (default: today)")
    policies.set_defaults(run=run_policies)


def run_dry_run(args: argparse.Namespace) -> int:
    service = ledger_for(args).service
    day = args.day or service.clock().date()
    planned = dunning_dry_run(service, day, args.segment)
    if args.format == "json":
        emit_json(planned)
        return 0
    rows = [[p["account"], p["segment"], p["held"] or "",
             "" if p["notice"] is None else f"{p['notice']['level']} ({p['notice']['channel']})",
             ", ".join(f"{i['invoice_id']}:{i['level']}" for i in
                       (p["notice"] or {}).get("invoices", [])),
             ", ".join(f"{a['action']}:{a['invoice_id']}" for a in p["actions"])]
            for p in planned]
    console.print(table(f"Dunning run of {day} (dry run: nothing written)",
                        ["Account", "Segment", "Held", "Notice", "Invoices", "Actions"], rows))
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    ledger = ledger_for(args)
    if ledger.notice_sender is None:
        console.print("[red]COLLEDGER_SMTP_HOST is not set: notices are not delivered[/red]")
        return 2
    done = ledger.deliver_notices()
    console.print(table("Notices delivered", ["Account", "Notice", "Outcome", "Reason"],
                        [[d.account, d.notice_id, d.outcome, d.reason] for d in done]))
    return 0


def run_policies(args: argparse.Namespace) -> int:
    service = ledger_for(args).service
    emit_json(policies_in_force(service.policies, args.day or service.clock().date()))
    return 0
