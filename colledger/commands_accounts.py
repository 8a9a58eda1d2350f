"""`colledger account show|history|list` and `colledger tick`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from colledger.rendering import console, emit_csv, emit_json, show_account, show_history
from colledger.wiring import service_for
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay

FORMATS = ("table", "json", "csv")


def register(
    sub: Any, iso_date: Callable[[str], date], utc_time: Callable[[str], datetime]
) -> None:
    account = sub.add_parser("account", help="read one account").add_subparsers(
        dest="account_command", required=True, metavar="ACTION"
    )
    show = account.add_parser("show", help="the account as of a date, as known at a time")
    show.add_argument("account", help="account number")
    show.add_argument("--as-of", type=iso_date, help="business date (default: today)")
    show.add_argument("--known-at", type=utc_time, help="recorded time, e.g. 2026-04-05T12:00Z")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(run=run_show)

    history = account.add_parser("history", help="every event of the account with its envelope")
    history.add_argument("account")
    history.add_argument("--format", choices=FORMATS, default="table")
    history.set_defaults(run=run_history)

    listing = account.add_parser("list", help="all account numbers")
    listing.set_defaults(run=run_list)

    tick = sub.add_parser("tick", help="process time-driven rules for a business day")
    tick.add_argument("--date", type=iso_date, required=True, dest="day")
    tick.set_defaults(run=run_tick)


def run_show(args: argparse.Namespace) -> int:
    view = service_for(args).account_as_of(args.account, args.as_of, args.known_at)
    if args.format == "json":
        emit_json(view)
    else:
        show_account(view)
    return 0


def run_history(args: argparse.Namespace) -> int:
    events = list(service_for(args).history(args.account))
    if args.format == "json":
        emit_json(events)
    elif args.format == "csv":
        columns = ["version", "type", "effective_on", "recorded_at", "actor_id", "actor_role",
                   "command_id", "correlation_id", "prev_hash", "hash"]
        emit_csv(columns, events)
    else:
        show_history(args.account, events)
    return 0


def run_list(args: argparse.Namespace) -> int:
    for number in service_for(args).account_numbers():
        print(number)
    return 0


def run_tick(args: argparse.Namespace) -> int:
    """Idempotent: a day already processed emits nothing new."""
    service = service_for(args)
    numbers = service.account_numbers()
    commands = [
        ProcessDay(account=n, day=args.day, command_id=f"tick:{args.day}:{n}") for n in numbers
    ]
    report = service.execute_batch(commands, SYSTEM, skip_invalid=True)
    emitted = sum(len(r.events) for r in report.results.values() if not r.replayed)
    console.print(f"processed {len(numbers)} accounts for {args.day}: {emitted} events")
    for position, error in sorted(report.errors.items()):
        console.print(f"[red]{numbers[position]}: {error.message}[/red]")
    return 1 if report.errors else 0
