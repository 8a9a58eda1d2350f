"""`colledger project`, `rebuild` and `aging`: keeping and reading the read models."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from rich.progress import Progress

from colledger.commands_kpi_trend import run_kpi_trend
from colledger.commands_read_side import run_account_rebuild, say_excluded
from colledger.rendering import console, emit_csv, emit_json, table
from colledger.wiring import ledger_for, settings_for
from ledger.canonical import plain
from ledger.projections.aging import GROUPINGS, bucket_labels
from ledger.projections.read_models import COLLECTIONS, ReadModels

FORMATS = ("table", "json", "csv")


def register(
    sub: Any, iso_date: Callable[[str], date], utc_time: Callable[[str], datetime]
) -> None:
    project = sub.add_parser("project", help="bring the read models up to date")
    project.add_argument("--follow", action="store_true", help="keep following the log")
    project.add_argument("--interval", type=float, default=0.2, help="seconds between polls")
    project.add_argument("--batch-size", type=int, default=1000, help="events per transaction")
    project.add_argument("--from-kafka", action="store_true",
                         help="consume the events topic in a consumer group instead of the log")
    project.add_argument("--group", help="consumer group (--from-kafka; default from settings)")
    project.set_defaults(run=run_project)

    rebuild = sub.add_parser("rebuild", help="rebuild read models from the whole log")
    rebuild.add_argument("projection", nargs="*", help="projection names (default: all)")
    rebuild.add_argument("--batch-size", type=int, default=5000)
    rebuild.add_argument("--account", help="only this account, in the live read models: "
                         "lifts its quarantine once its events apply (see colledger status)")
    rebuild.set_defaults(run=run_rebuild)

    aging = sub.add_parser("aging", help="aging buckets as of a date, as known at a time")
    aging.add_argument("--as-of", type=iso_date, help="business date (default: today)")
    aging.add_argument("--known-at", type=utc_time, help="recorded time, e.g. 2026-04-05T12:00Z")
    aging.add_argument("--by", choices=GROUPINGS, default="account")
    aging.add_argument("--currency")
    aging.add_argument("--account", help="only this account (its number)")
    aging.add_argument("--agent", help="only the accounts currently assigned to this agent")
    aging.add_argument("--segment", help="only the accounts of this segment")
    aging.add_argument("--edges", default="30,60,90,120", help="bucket edges in days")
    aging.add_argument("--format", choices=FORMATS, default="table")
    aging.set_defaults(run=run_aging)

    worklist = sub.add_parser("worklist", help="an agent's ranked worklist for a day")
    worklist.add_argument("agent")
    worklist.add_argument("--on", type=iso_date, dest="day", help="business day (default: today)")
    worklist.add_argument("--format", choices=FORMATS, default="table")
    how = worklist.add_mutually_exclusive_group()
    how.add_argument("--preview", action="store_true",
                     help="rank the accounts now without storing anything")
    how.add_argument("--hand-out", action="store_true",
                     help="rank the accounts and hand the result out: stored, KPIs count it")
    worklist.set_defaults(run=run_worklist)

    kpis = sub.add_parser("kpis", help="DSO, CEI, promise-kept rate... for a period, or "
                          "month by month (--trend)")
    kpis.add_argument("--from", type=iso_date, dest="start", help="first day (not with --trend)")
    kpis.add_argument("--to", type=iso_date, dest="end",
                      help="last day (with --trend: of the last month; default today)")
    kpis.add_argument("--trend", action="store_true", help="each calendar month up to --to")
    kpis.add_argument("--months", type=int, default=12, help="with --trend: how many")
    kpis.add_argument("--agent")
    kpis.add_argument("--segment")
    kpis.add_argument("--account", help="only this account (its number)")
    kpis.add_argument("--currency", help="only this currency")
    kpis.add_argument("--known-at", type=utc_time)
    kpis.add_argument("--format", choices=FORMATS, default="table")
    kpis.set_defaults(run=run_kpis)

    statement = sub.add_parser("statement", help="statement of account for a period")
    statement.add_argument("account")
    statement.add_argument("--from", type=iso_date, required=True, dest="start")
    statement.add_argument("--to", type=iso_date, required=True, dest="end")
    statement.add_argument("--known-at", type=utc_time)
    statement.add_argument("--format", choices=FORMATS, default="table")
    statement.set_defaults(run=run_statement)


def read_models_for(args: argparse.Namespace) -> ReadModels:
    models = ledger_for(args).read_models
    models.catch_up()
    return models


def run_project(args: argparse.Namespace) -> int:
    if args.from_kafka:
        return run_project_from_kafka(args)
    models = ledger_for(args, projection_batch_size=args.batch_size).read_models
    if not models.follows_log:
        return kafka_keeps_them("project (without --from-kafka)")
    applied = models.catch_up()
    console.print(f"applied {applied} events; positions {models.runner.positions()}")
    if args.follow and models.runner.after_batch is not None:
        models.runner.after_batch()  # a checkpoint now if one is due (periodic checkpoints)
    if args.follow:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        console.print("following the event log (Ctrl-C to stop)")
        models.runner.follow(stop, args.interval)
    return 0


def kafka_keeps_them(command: str) -> int:
    """The log runner must not write where Kafka workers keep the read models."""
    print(f"{command}: the read models are fed by Kafka (COLLEDGER_READ_MODELS_FED_BY=kafka): "
          "run `colledger project --from-kafka` workers; rebuild by re-consuming the topic "
          "into a fresh read database (docs/read-models.md)", file=sys.stderr)
    return 2


def run_project_from_kafka(args: argparse.Namespace) -> int:
    """Imported here: Kafka clients are loaded only by the commands that use them."""
    from consumers.projection_worker import WorkerOptions, WorkerStopped
    from infra.bootstrap import run_kafka_projections

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)
    settings = settings_for(args)
    group = args.group or settings.projection_group
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    options = WorkerOptions(topic=settings.events_topic, group=group, batch_size=args.batch_size)
    console.print(f"projecting {settings.events_topic} in group {group} (Ctrl-C to stop)")
    try:
        stats = run_kafka_projections(settings, options, stop)
    except WorkerStopped as error:
        console.print(f"[red]projection worker stopped: {type(error).__name__}: {error}")
        return 3
    console.print(f"stopped: {stats}")
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    if args.account:
        return run_account_rebuild(args)
    models = ledger_for(args).read_models
    if not models.follows_log:
        return kafka_keeps_them("rebuild")
    with Progress(console=console) as progress:
        task = progress.add_task("rebuilding", total=None)
        position = models.rebuild(
            args.projection or None, args.batch_size,
            lambda done, head: progress.update(task, completed=done, total=head),
        )
    console.print(f"rebuilt and swapped in at position {position}")
    say_excluded(models.excluded(*(args.projection or COLLECTIONS + ("history",))))
    return 0


def run_aging(args: argparse.Namespace) -> int:
    edges = tuple(int(e) for e in args.edges.split(","))
    as_of = args.as_of or date.today()
    models = read_models_for(args)
    excluding = models.excluded("open_items")
    say_excluded(excluding)
    rows = models.aging(as_of, args.known_at, args.by, edges, args.currency, excluding=excluding,
                        account=args.account, agent=args.agent, segment=args.segment)
    labels = bucket_labels(edges)
    records = [
        {"key": r.key, "currency": r.currency, **{label: r.buckets[label] for label in labels},
         "total": r.total, "disputed": r.disputed, "unapplied_credit": r.unapplied_credit}
        for r in rows
    ]
    if args.format == "json":
        emit_json(plain(records))
    elif args.format == "csv":
        emit_csv(["key", "currency", *labels, "total", "disputed", "unapplied_credit"], records)
    else:
        keyed = args.by not in ("currency", "portfolio")  # their key says nothing new
        key = [args.by.capitalize()] if keyed else []
        columns = [*key, "Currency", *labels, "Total", "Disputed", "Unapplied credit"]
        cells = [list(r.values())[0 if keyed else 1 :] for r in records]
        console.print(table(f"Aging as of {as_of}", columns, cells))
    return 0


def run_worklist(args: argparse.Namespace) -> int:
    """What was handed out for the day, unless asked to preview or to hand one out: only
    handing out stores a worklist, since KPIs count what was handed out."""
    day = args.day or date.today()
    models = read_models_for(args)
    if args.hand_out:
        result = models.hand_out_worklist(args.agent, day)
    elif args.preview:
        result = models.worklist(args.agent, day)
    else:
        found = models.handed_out_worklist(args.agent, day)
        if found is None:
            print(f"no worklist was handed out to {args.agent} for {day}; --hand-out hands "
                  "one out, --preview ranks without storing", file=sys.stderr)
            return 1
        result = found
    say_excluded(models.excluded(*COLLECTIONS))
    items, excluded = list(result.items), list(result.excluded)
    records = [
        {"rank": i.rank, "account": i.account, "score": i.score, "excluded": i.excluded,
         "reason": i.reason or "", **{f"c_{k}": v for k, v in sorted(i.components.items())}}
        for i in [*items, *excluded]
    ]
    if args.format == "json":
        emit_json(plain(records))
        return 0
    if args.format == "csv":
        columns = sorted({k for r in records for k in r}, key=lambda k: (k.startswith("c_"), k))
        emit_csv(columns, records)
        return 0
    component_names = sorted(items[0].components) if items else []
    console.print(table(
        f"Worklist of {args.agent} for {day}",
        ["Rank", "Account", "Score", *component_names],
        [[i.rank, i.account, i.score, *(i.components[c] for c in component_names)] for i in items],
    ))
    if excluded:
        console.print(table(
            "Not to be contacted now", ["Account", "Reason", "Detail"],
            [[i.account, i.reason, getattr(i, "detail", "")] for i in excluded],
        ))
    return 0


def run_kpis(args: argparse.Namespace) -> int:
    if args.trend or args.start is None or args.end is None:
        return run_kpi_trend(args, read_models_for)
    models = read_models_for(args)
    excluding = models.excluded(*COLLECTIONS)
    say_excluded(excluding)
    found = models.kpis(
        args.start, args.end, agent=args.agent, segment=args.segment, known_at=args.known_at,
        excluding=excluding, account=args.account, currency=args.currency,
    )
    reports = [plain(r) for r in found]
    agents = [plain(a) for a in models.agent_performance(
        args.start, args.end, agent=args.agent, segment=args.segment, known_at=args.known_at,
        excluding=excluding, account=args.account, currency=args.currency,
    )]
    if args.format == "json":
        emit_json({"kpis": reports, "agents": agents})
        return 0
    if args.format == "csv":
        emit_csv(list(reports[0]) if reports else ["currency"], [vars(r) for r in found])
        return 0
    if not reports:
        console.print(f"no activity between {args.start} and {args.end}")
        return 0
    fields = [f for f in reports[0] if f not in ("currency", "start", "end")]
    console.print(table(
        f"KPIs {args.start} to {args.end}", ["KPI", *(r["currency"] for r in reports)],
        [[f, *("—" if r[f] is None else r[f] for r in reports)] for f in fields],
    ))
    console.print(table(
        "Agents", ["Agent", "Collected", "Promises obtained", "Contacts made", "Items cleared"],
        [[a["agent_id"], ", ".join(f"{v} {c}" for c, v in sorted(a["collected"].items())),
          a["promises_obtained"], a["contacts_made"], a["worklist_items_cleared"]]
         for a in agents],
    ))
    return 0


def run_statement(args: argparse.Namespace) -> int:
    statements = read_models_for(args).statement(args.account, args.start, args.end, args.known_at)
    if args.format == "json":
        emit_json([plain(s) for s in statements])
        return 0
    columns = ["on_date", "kind", "document_id", "description", "debit", "credit", "balance"]
    if args.format == "csv":
        emit_csv(["currency", *columns],
                 [{"currency": s.currency, **vars(line)} for s in statements for line in s.lines])
        return 0
    for s in statements:
        console.print(f"[bold]Statement of account {s.account_number}[/bold] {s.name} — "
                      f"{s.currency}, {s.start} to {s.end}")
        rows = [[s.start, "", "", "Opening balance", "", "", s.opening_balance]]
        rows += [[getattr(line, c) for c in columns] for line in s.lines]
        rows.append([s.end, "", "", "Closing balance", s.total_debits, s.total_credits,
                     s.closing_balance])
        console.print(table("", ["Date", "Kind", "Document", "Description", "Debit", "Credit",
                                 "Balance"], rows))
        console.print(table(f"Aging as of {s.end}", [*s.aging, "Disputed", "Unapplied credit"],
                            [[*s.aging.values(), s.disputed, s.unapplied_credit]]))
    return 0
