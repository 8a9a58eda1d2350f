"""`colledger task create|list|complete|cancel|reassign`.

Writes run as a manager actor (``cli:<login>`` unless ``--actor`` says otherwise), who may
act on any account, as the API's managers may; reads come from the read models.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import date
from typing import Any

from colledger.commands_read_models import read_models_for
from colledger.rendering import console, emit_json
from colledger.wiring import service_for
from ledger.canonical import plain
from ledger.commands import tasks as t
from ledger.commands.base import Actor, Command
from ledger.projections.tasks import tasks

MANAGER = "manager"


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    task = sub.add_parser("task", help="an account's tasks: callbacks, follow-ups, reviews") \
        .add_subparsers(dest="task_command", required=True, metavar="ACTION")
    create = writer(task, "create", "create a task on an account")
    create.add_argument("--kind", choices=("callback", "follow_up", "review"),
                        default="callback")
    create.add_argument("--due", type=iso_date, required=True, dest="due_date")
    create.add_argument("--time", dest="due_time", help="HH:MM in the account's timezone")
    create.add_argument("--owner", help="who does it (default: the actor)")
    create.set_defaults(command=lambda a: t.CreateTask(
        account=a.account, task_id=a.task_id, kind=a.kind, due_date=a.due_date,
        due_time=a.due_time, owner=a.owner, note=a.note))
    reassign = writer(task, "reassign", "give an open task to someone else")
    reassign.add_argument("--owner", required=True)
    reassign.set_defaults(command=lambda a: t.ReassignTask(
        account=a.account, task_id=a.task_id, owner=a.owner, note=a.note))
    writer(task, "complete", "complete an open task").set_defaults(
        command=lambda a: t.CompleteTask(account=a.account, task_id=a.task_id, note=a.note))
    writer(task, "cancel", "cancel an open task").set_defaults(
        command=lambda a: t.CancelTask(account=a.account, task_id=a.task_id, note=a.note))

    listing = task.add_parser("list", help="open tasks: one owner's, one account's, overdue")
    listing.add_argument("--owner")
    listing.add_argument("--account")
    listing.add_argument("--overdue", action="store_true", help="only those overdue on --on")
    listing.add_argument("--on", type=iso_date, help="business day (default: today)")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=run_list)


def writer(task: Any, name: str, help_text: str) -> Any:
    parser = task.add_parser(name, help=help_text)
    parser.add_argument("account", help="account number")
    parser.add_argument("task_id")
    parser.add_argument("--note", default="")
    parser.add_argument("--actor", default=f"cli:{getpass.getuser()}")
    parser.set_defaults(run=run_write)
    return parser


def run_write(args: argparse.Namespace) -> int:
    command: Command = args.command(args)
    result = service_for(args).execute(command, Actor(args.actor, MANAGER))
    console.print(f"{type(command).__name__} {args.task_id} on {args.account}: "
                  f"{', '.join(result.events) or 'nothing new'}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    models = read_models_for(args)
    day = args.on or date.today()
    activity, open_items = models.tables("activity"), models.tables("open_items")
    rows = models.read(lambda s: tasks(s, activity, open_items, owner=args.owner,
                                       number=args.account,
                                       overdue_on=day if args.overdue else None))
    records = [vars(r) | {"overdue": r.overdue_on(day)} for r in rows]
    if args.format == "json":
        emit_json(plain(records))
        return 0
    for r in records:
        when = f"{r['due_date']} {r['due_time'] or ''}".strip()
        console.print(f"{r['account']}  {r['task_id']}  {r['kind']}  {r['owner'] or '-'}  "
                      f"due {when}{'  OVERDUE' if r['overdue'] else ''}")
    console.print(f"{len(records)} open task(s)")
    return 0
