"""`colledger statement-notice send ACCOUNT --channel email|letter [--as-of DAY] --reason TEXT`.

Not `colledger statement send`: `colledger statement ACCOUNT --from --to` already reads the
statement for a period, and the API's resource is ``statement-notices`` too.

Sends the customer a statement of account through the notices' pipeline (`SendStatement`),
as a manager actor (``cli:<login>`` unless ``--actor`` says otherwise), as `colledger task`
writes do; an e-mail goes at the next delivery (`colledger dunning deliver` or the server's
scheduled step), a letter to the external mailer.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import date
from typing import Any

from colledger.rendering import console
from colledger.wiring import service_for
from ledger.commands.base import Actor
from ledger.commands.statements import SendStatement

MANAGER = "manager"


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    statement = sub.add_parser("statement-notice",
                               help="statements of account sent to the customer") \
        .add_subparsers(dest="statement_notice_command", required=True, metavar="ACTION")
    send = statement.add_parser("send", help="send the customer a statement of account")
    send.add_argument("account", help="account number")
    send.add_argument("--channel", choices=("email", "letter"), default="email")
    send.add_argument("--as-of", type=iso_date, dest="as_of",
                      help="the statement's day (default: today)")
    send.add_argument("--reason", required=True, help="how the customer asked, or why")
    send.add_argument("--customer-request", action="store_true",
                      help="the customer asked for it (lets it go under cease-communication "
                           "or placement)")
    send.add_argument("--actor", default=f"cli:{getpass.getuser()}")
    send.set_defaults(run=run_send)


def run_send(args: argparse.Namespace) -> int:
    command = SendStatement(account=args.account, channel=args.channel, as_of=args.as_of,
                            reason=args.reason, customer_request=args.customer_request)
    service = service_for(args)
    service.execute(command, Actor(args.actor, MANAGER))
    notice = next(record["payload"] for record in reversed(list(service.history(args.account)))
                  if record["type"] == "NoticeSent")
    console.print(f"statement {notice['notice_id']} to {args.account} by {args.channel}: "
                  f"{len(notice['invoices'])} open item(s), "
                  f"{len(notice['credits'])} currency(ies) of unapplied credit")
    return 0
