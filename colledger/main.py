"""`colledger`: the ledger from a terminal.

Each sub-command parses its arguments, calls the ledger service, and renders
the result; none of them holds business rules.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime

from colledger import (
    commands_accounts,
    commands_audit,
    commands_cash,
    commands_consume,
    commands_data,
    commands_db,
    commands_dunning,
    commands_erasure,
    commands_fx,
    commands_keys,
    commands_read_models,
    commands_read_side,
    commands_relay,
    commands_server,
    commands_statements,
    commands_tasks,
    commands_trail,
)
from infra.dunning_file import DunningFileInvalid
from infra.worklist_file import WorklistFileInvalid
from ledger.aggregates.errors import LedgerError


def iso_date(text: str) -> date:
    return date.fromisoformat(text)


def recorded_time(text: str) -> datetime:
    """ISO 8601; one without a UTC offset is left for the ledger to refuse, so the command
    line names the same rule (``known-at-without-offset``) as the API."""
    return datetime.fromisoformat(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="colledger", description="Event-sourced accounts-receivable collections ledger."
    )
    parser.add_argument(
        "--database-url",
        help="event store URL (default: $COLLEDGER_DATABASE_URL or sqlite:///var/ledger.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands_server.register(sub)
    commands_data.register(sub, iso_date)
    commands_db.register(sub)
    commands_accounts.register(sub, iso_date, recorded_time)
    commands_read_models.register(sub, iso_date, recorded_time)
    commands_read_side.register(sub)
    commands_keys.register(sub)
    commands_relay.register(sub)
    commands_audit.register(sub)
    commands_consume.register(sub)
    commands_erasure.register(sub)
    commands_trail.register(sub, iso_date)
    commands_fx.register(sub, iso_date)
    commands_tasks.register(sub, iso_date)
    commands_dunning.register(sub, iso_date)
    commands_statements.register(sub, iso_date)
    commands_cash.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except LedgerError as error:
        print(f"error [{error.rule()}]: {error.message}", file=sys.stderr)
        return 2
    except DunningFileInvalid as error:
        print(f"error: the dunning policy file is refused: {error}", file=sys.stderr)
        return 2
    except WorklistFileInvalid as error:
        print(f"error: the worklist weights file is refused: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
