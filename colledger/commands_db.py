"""`colledger db current|upgrade`: the store's schema, migrated by Alembic (`infra.migrations`).

Both work on any database URL, including a read-model database of its own, which only
ever gets the ``read_models`` branch (``--branch read_models``; docs/read-models.md).
Neither builds a ledger: ``upgrade`` may be run on a store that this release's ledger
would refuse (``COLLEDGER_UPGRADE_SCHEMA_ON_START=false``).
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import create_engine

from colledger.rendering import console
from colledger.wiring import settings_for
from infra.bootstrap import event_store_env
from infra.migrations.runner import current, heads, upgrade
from infra.migrations.schema import BRANCHES


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="the schema: where it is, upgrade it").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    now = db.add_parser("current", help="each branch's revision here, and the latest")
    now.set_defaults(run=run_current)
    up = db.add_parser("upgrade", help="migrate to the latest revision (adopting a store "
                       "written before migrations)")
    up.add_argument("--branch", choices=BRANCHES, action="append",
                    help="only this branch (read_models: a read-model database of its own)")
    up.set_defaults(run=run_upgrade)


def run_current(args: argparse.Namespace) -> int:
    """One line per branch: ``store store_0001 (head)``; exit 1 if any is behind."""
    engine = create_engine(_url(args))
    try:
        with engine.connect() as connection:
            at = current(connection)
    finally:
        engine.dispose()
    latest = heads()
    for branch in BRANCHES:
        state = "head" if at[branch] == latest[branch] else f"latest is {latest[branch]}"
        console.print(f"{branch} {at[branch] or '-'} ({state})", highlight=False)
    return 0 if at == latest else 1


def run_upgrade(args: argparse.Namespace) -> int:
    engine = create_engine(_url(args))
    try:
        adopted = upgrade(engine, args.branch or BRANCHES)
        with engine.connect() as connection:
            at = current(connection)
    finally:
        engine.dispose()
    for found in adopted:
        console.print(f"adopted the {found.branch} tables of an earlier release "
                      f"({len(found.found)} found, created {', '.join(found.created) or 'none'})",
                      highlight=False)
    for branch in args.branch or BRANCHES:
        console.print(f"{branch} at {at[branch]}", highlight=False)
    return 0


def _url(args: argparse.Namespace) -> str:
    url = settings_for(args).database_url
    event_store_env(url)  # a SQLite file's folder, as the ledger makes it
    return url
