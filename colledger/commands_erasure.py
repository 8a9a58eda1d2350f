"""`colledger erase ACCOUNT --reason TEXT`: crypto-shred an account's personal data.

Runs as a compliance actor, like the API route that only the compliance role may
call: whoever has the database and this command already has that power, and the
event names them (``cli:<login>`` unless ``--actor`` says otherwise).
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from colledger.rendering import emit_json
from colledger.wiring import service_for
from ledger.commands.accounts import ErasePersonalData
from ledger.commands.base import Actor

COMPLIANCE = "compliance"


def register(sub: Any) -> None:
    erase = sub.add_parser(
        "erase", help="erase an account's personal data (destroys its key; finances stay)"
    )
    erase.add_argument("account", help="account number")
    erase.add_argument("--reason", required=True, help="why, e.g. the erasure request's id")
    erase.add_argument("--actor", default=f"cli:{getpass.getuser()}",
                       help="who erases, recorded with role compliance (default: cli:<login>)")
    erase.add_argument("--format", choices=("text", "json"), default="text")
    erase.set_defaults(run=run_erase)


def run_erase(args: argparse.Namespace) -> int:
    """Exit 0 when erased; a refusal (already erased, unknown account) exits 2 via main."""
    command = ErasePersonalData(account=args.account, reason=args.reason)
    result = service_for(args).execute(command, Actor(args.actor, COMPLIANCE))
    if args.format == "json":
        emit_json({"account": result.account, "version": result.version,
                   "events": list(result.events), "actor_id": args.actor})
    else:
        print(f"{result.account}: personal data erased at version {result.version} "
              f"by {args.actor} (compliance); the account's data key is destroyed")
    return 0
