"""`colledger db current|upgrade`: the store's schema, migrated by Alembic (`infra.migrations`).

Both work on any database URL, including a read-model database of its own, which only
ever gets the ``read_models`` branch (``--branch read_models``; docs/read-models.md).
Without ``--branch`` they follow the settings: with ``COLLEDGER_READ_MODELS_URL`` the store
gets its branches (`infra.bootstrap.store_branches`) and the read database the read-model
branch, as a ledger starting would migrate them. Neither builds a ledger: ``upgrade`` may
be run on a store that this release's ledger would refuse
(``COLLEDGER_UPGRADE_SCHEMA_ON_START=false``).
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import create_engine, make_url

from colledger.rendering import console
from colledger.wiring import settings_for
from infra.bootstrap import event_store_env, store_branches
from infra.migrations.runner import current, heads, upgrade
from infra.migrations.schema import BRANCHES, READ_MODELS


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
    behind = False
    targets = _targets(args)
    for url, branches in targets:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                at = current(connection)
        finally:
            engine.dispose()
        latest = heads()
        if len(targets) > 1:
            console.print(_shown(url), highlight=False)
        for branch in (BRANCHES if len(targets) == 1 else branches):
            state = "head" if at[branch] == latest[branch] else f"latest is {latest[branch]}"
            console.print(f"{branch} {at[branch] or '-'} ({state})", highlight=False)
        behind = behind or any(at[b] != latest[b] for b in branches)
    return 1 if behind else 0


def run_upgrade(args: argparse.Namespace) -> int:
    targets = _targets(args)
    for url, branches in targets:
        engine = create_engine(url)
        try:
            adopted = upgrade(engine, branches)
            with engine.connect() as connection:
                at = current(connection)
        finally:
            engine.dispose()
        for found in adopted:
            console.print(f"adopted the {found.branch} tables of an earlier release "
                          f"({len(found.found)} found, created "
                          f"{', '.join(found.created) or 'none'})", highlight=False)
        if len(targets) > 1:
            console.print(_shown(url), highlight=False)
        for branch in branches:
            console.print(f"{branch} at {at[branch]}", highlight=False)
    return 0


def _targets(args: argparse.Namespace) -> list[tuple[str, tuple[str, ...]]]:
    """Which branches go where: ``--branch`` on the database URL, or as the settings say."""
    settings = settings_for(args)
    event_store_env(settings.database_url)  # a SQLite file's folder, as the ledger makes it
    branch = getattr(args, "branch", None)
    if branch:
        return [(settings.database_url, tuple(branch))]
    if not settings.split_read_side or settings.read_models_url is None:
        return [(settings.database_url, BRANCHES)]
    event_store_env(settings.read_models_url)
    return [(settings.database_url, store_branches(settings)),
            (settings.read_models_url, (READ_MODELS,))]


def _shown(url: str) -> str:
    return make_url(url).render_as_string()
