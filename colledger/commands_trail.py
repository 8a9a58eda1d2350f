"""`colledger trail`: export a regulatory trail, and check one offline.

``trail (--account ID | --from D --to D) --out DIR`` verifies the ledger, writes
the trail and records the export (exit 1 when the ledger does not verify and
``--override-verification`` was not given). ``trail verify DIR`` needs no
database: exit 0 when the trail holds, 1 naming each file (and row, account and
version) that does not. See docs/audit.md, "Regulatory trails".
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from colledger.wiring import service_for
from ledger.audit.trail import LedgerDoesNotVerify, export_trail
from ledger.audit.trail_check import check_trail
from ledger.audit.trail_query import TrailQuery
from ledger.commands.base import Actor


def register(sub: Any, iso_date: Callable[[str], date]) -> None:
    trail = sub.add_parser(
        "trail", help="export a regulatory trail (or: trail verify DIR)",
        description="Export the verified history of one account, or of every account for a "
                    "business-date period, as CSV and NDJSON with a manifest.",
    )
    trail.add_argument("--account", help="the account's whole history (its number)")
    trail.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                       help="first business date (effective_on) of a period trail")
    trail.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                       help="last business date of a period trail (included)")
    trail.add_argument("--out", type=Path, metavar="DIR",
                       help="directory to create (must not exist or be empty)")
    trail.add_argument("--actor", default=f"cli:{getpass.getuser()}",
                       help="who exports it (default: cli:<login>)")
    trail.add_argument("--role", default="compliance", choices=("compliance", "auditor"),
                       help="the exporter's role, recorded with the export")
    trail.add_argument("--override-verification", action="store_true",
                       help="export even though the ledger does not verify (recorded)")
    trail.set_defaults(run=run_trail)
    actions = trail.add_subparsers(dest="trail_action", metavar="verify")
    verify = actions.add_parser("verify", help="check a trail against its manifest, offline")
    verify.add_argument("directory", type=Path, metavar="DIR")
    verify.set_defaults(run=run_trail_verify)


def run_trail(args: argparse.Namespace) -> int:
    if args.out is None:
        print("error: give --out DIR", file=sys.stderr)
        return 2
    query = TrailQuery(account=args.account, start=args.start, end=args.end)
    service = service_for(args)
    try:
        made = export_trail(service.app, query, args.out, Actor(args.actor, args.role),
                            service.clock, override=args.override_verification,
                            account_view=service.account_as_of)
    except LedgerDoesNotVerify as refused:
        print(f"error [{refused.rule()}]: {refused.message}", file=sys.stderr)
        return 1
    totals = made.manifest["totals"]
    print(f"trail of {query.label()} written to {made.directory}: {totals['events']} events "
          f"of {totals['accounts']} accounts up to position {made.manifest['position']}; "
          f"manifest sha256 {made.manifest_sha256}")
    return 0


def run_trail_verify(args: argparse.Namespace) -> int:
    result = check_trail(args.directory)
    print(result.summary(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1
