"""`colledger account show|history|list` and `colledger tick`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from api.history_pages import HISTORY_COLUMNS, account_records
from colledger.commands_read_models import read_models_for
from colledger.rendering import (
    console,
    emit_csv,
    emit_json,
    show_account,
    show_accounts,
    show_history,
)
from colledger.wiring import service_for
from ledger.aggregates.business_dates import check_not_ahead
from ledger.canonical import plain
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.projections.account_directory import MAX_PAGE
from ledger.projections.read_models import ReadModels

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

    listing = account.add_parser(
        "list", help="every account: name, currency, segment, agent, outstanding per currency"
    )
    listing.add_argument("--format", choices=FORMATS, default="table")
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
    """CSV is the API's history export, rows and columns (payload included), so that a
    file saved from either reads the same; it comes from the history read model."""
    if args.format == "csv":
        emit_csv(HISTORY_COLUMNS, account_records(read_models_for(args), args.account, 0))
        return 0
    events = list(service_for(args).history(args.account))
    if args.format == "json":
        emit_json(events)
    else:
        show_history(args.account, events)
    return 0


def run_list(args: argparse.Namespace) -> int:
    records = list(account_list(read_models_for(args), date.today()))
    if args.format == "json":
        emit_json(plain(records))
    elif args.format == "csv":
        emit_csv(LIST_COLUMNS, records)
    else:
        show_accounts(records)
    return 0


LIST_COLUMNS = ("number", "name", "currency", "segment", "agent", "outstanding")


def account_list(models: ReadModels, as_of: date) -> Iterator[dict[str, Any]]:
    """Every account by number, with what it owes as of ``as_of`` in each currency
    (the aging's total per account, so the two never disagree)."""
    owed: dict[str, dict[str, Any]] = {}
    for row in models.aging(as_of, by="account"):
        owed.setdefault(row.key, {})[row.currency] = row.total
    after = None
    while True:
        page = models.accounts(after, MAX_PAGE)
        for a in page.items:
            yield {"number": a.number, "name": a.name, "currency": a.currency,
                   "segment": a.segment, "agent": a.agent_id,
                   "outstanding": owed.get(a.number, {})}
        if page.next_cursor is None:
            return
        after = page.next_cursor


def run_tick(args: argparse.Namespace) -> int:
    """Idempotent: a day already processed emits nothing new. A day that has begun
    nowhere yet is refused outright; one that has not begun in an account's timezone
    is refused for that account (the tick would judge its promises early)."""
    service = service_for(args)
    check_not_ahead(args.day, service.clock(), what="the day to tick")
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
