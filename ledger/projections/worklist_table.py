"""The stored worklists: one row per account an agent was given on a day.

Not a projection: a worklist is a snapshot computed from the read models at a
moment (``computed_at``) and kept as it was handed out, so KPIs can later ask
which of its items were worked. Scores are decimal strings and components a
JSON object of decimal strings with sorted keys: exact, and the same text for
the same worklist on every backend.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

from ledger.projections.projection import index

TABLE_NAME = "rm_worklist_items"

metadata = MetaData()


def worklist_items_table(meta: MetaData, name: str = TABLE_NAME) -> Table:
    return Table(
        name, meta,
        Column("agent_id", String(128), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("account_id", String(36), primary_key=True),
        Column("rank", Integer, nullable=False),
        Column("account_number", String(64), nullable=False),
        Column("score", String(40), nullable=False),
        Column("components", Text, nullable=False),
        Column("excluded", Boolean, nullable=False),
        Column("reason", String(64)),
        Column("detail", String(500), nullable=False),
        Column("computed_at", DateTime(timezone=True), nullable=False),
        index(name, "0", "day", "agent_id"),
    )


worklist_items = worklist_items_table(metadata)
