"""`colledger verify` and `colledger checkpoint`: proving the stored history is intact.

``verify`` exits 1 when any chain is broken (and 2 on a malformed checkpoint file),
so it can gate a script or a cron job. ``checkpoint --export`` writes the JSON
that is meant to be kept outside the database (docs/audit.md).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from colledger.rendering import emit_json
from colledger.wiring import service_for
from ledger.audit.recording import CheckpointRefused, record_checkpoint
from ledger.audit.verification import verify_ledger


def register(sub: Any) -> None:
    verify = sub.add_parser("verify", help="verify every account's hash chain and checkpoints")
    verify.add_argument("--account", help="verify one account (its number)")
    verify.add_argument("--against", type=Path, metavar="CHECKPOINT.json",
                        help="an exported checkpoint (default: the latest stored one)")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.set_defaults(run=run_verify)

    checkpoint = sub.add_parser("checkpoint", help="record a checkpoint over every stream head")
    checkpoint.add_argument("--export", type=Path, metavar="FILE",
                            help="also write the checkpoint as JSON, to keep outside the database")
    checkpoint.add_argument("--actor", default=f"cli:{getpass.getuser()}",
                            help="who records it (default: cli:<login>)")
    checkpoint.set_defaults(run=run_checkpoint)


def run_verify(args: argparse.Namespace) -> int:
    against = None
    if args.against is not None:
        try:
            against = json.loads(args.against.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"error: cannot read {args.against}: {error}", file=sys.stderr)
            return 2
    service = service_for(args)
    try:
        report = verify_ledger(service.app, args.account, against=against)
    except ValueError as error:
        print(f"error: {args.against}: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        emit_json(report.as_dict())
    else:
        print(report.summary())
    return 0 if report.ok else 1


def run_checkpoint(args: argparse.Namespace) -> int:
    service = service_for(args)
    try:
        checkpoint = record_checkpoint(service.app, args.actor, service.clock)
    except CheckpointRefused as refused:
        print(str(refused), file=sys.stderr)
        return 1
    document = checkpoint.export()
    if args.export is not None:
        args.export.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")
        print(f"checkpoint #{checkpoint.sequence} at position {checkpoint.position}: "
              f"{checkpoint.accounts} accounts, {checkpoint.events} events, "
              f"digest {checkpoint.digest}; written to {args.export}")
    else:
        emit_json(document)
    return 0
