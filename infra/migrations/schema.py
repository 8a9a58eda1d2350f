"""Which tables each migration branch owns, as today's code declares them.

Two branches, because the read models may live in a database of their own (Kafka
workers' today, a split read side later): ``store`` holds what must sit beside the
events (command log, personal-data keys, checkpoint heads, API keys, the days ticked, FX
rates, notice claims), ``read_models`` what can be dropped and rebuilt from them
(projection tables, stored worklists, tracking, quarantine, Kafka offsets). The
eventsourcing library's own tables stay the library's: its recorder creates them
(``CREATE_TABLE``), so migrations never compare or touch them.

These metadata are what the revisions must produce: a test runs the migrations and
asks Alembic's autogenerate for the difference, which must be empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import MetaData, Table

from api.keys import api_keys
from ledger.application import LedgerApplication
from ledger.audit.checkpoint_store import heads_table
from ledger.commands.command_log import command_log
from ledger.daily_loop.ticked_days import ticked_days
from ledger.fx_rates import fx_rates
from ledger.notices.claims import notice_claims
from ledger.personal_data.key_table import personal_data_keys
from ledger.projections.kafka_tracking import kafka_offsets, kafka_versions
from ledger.projections.projection import LIVE
from ledger.projections.quarantine import projection_quarantine
from ledger.projections.registry import all_projections
from ledger.projections.tracking import projection_tracking
from ledger.projections.worklist_table import worklist_items

STORE = "store"
READ_MODELS = "read_models"
BRANCHES = (STORE, READ_MODELS)

LIBRARY_TABLES = frozenset(
    f"{LedgerApplication.name}_{kind}" for kind in ("events", "snapshots")
)
"""Created by eventsourcing-sqlalchemy's recorder, not by migrations."""


def _tables(branch: str) -> list[Table]:
    if branch == STORE:
        return [command_log, personal_data_keys, heads_table, api_keys, ticked_days,
                fx_rates, notice_claims]
    if branch == READ_MODELS:
        projected = [t for p in all_projections() for t in p.tables(MetaData(), LIVE, "0").values()]
        return [*projected, worklist_items, projection_tracking, projection_quarantine,
                kafka_offsets, kafka_versions]
    raise ValueError(f"unknown branch {branch!r}; choose from {BRANCHES}")


def metadata(branches: Iterable[str] = BRANCHES) -> MetaData:
    """The tables of these branches, as one metadata (built once; do not change it)."""
    return _metadata(tuple(sorted(branches)))


@cache
def _metadata(branches: tuple[str, ...]) -> MetaData:
    combined = MetaData()
    for branch in branches:
        for table in _tables(branch):
            table.to_metadata(combined)
    return combined


def table_names(branch: str) -> set[str]:
    return {table.name for table in _tables(branch)}
