"""Invoices and payments carry the running total of their movements, and its span.

From this release on the open-items projection keeps, on each invoice, the sum of its
movements (``outstanding_minor``) and, on each payment, the sum of its credit movements
(``unapplied_minor``), with the earliest and latest business date and recorded time among
them (`ledger.projections.open_items_schema.summed`). Reads of what is owed take an item's
total when every movement of it counts, and sum movements only for the items in between
(`ledger.projections.outstanding`). This revision fills the new columns of the rows
projected earlier from the movements they already have, exactly as the projection would
have, then adds the indexes: by last and first date, and by last and first recorded time,
for the items whose movements straddle a moment, and a partial index of the items whose
total is not zero, which is what owes today.

Nothing is read from the events: the movements are the projection's own record of them,
so the totals agree with the movement sums by construction (an empty sum is zero, and an
item with no movement, which the projection never writes, spans its own dates).

Revision ID: read_models_0002
Revises: read_models_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0002"
down_revision = "read_models_0001"
branch_labels = None
depends_on = None

ITEMS = (
    # table, its total, its movements, its key, its own date
    ("rm_invoices", "outstanding_minor", "rm_invoice_movements", "invoice_id", "issue_date"),
    ("rm_payments", "unapplied_minor", "rm_credit_movements", "payment_id", "received_on"),
)
SPAN = (("first_on", sa.Date(), "min", "on_date"), ("last_on", sa.Date(), "max", "on_date"),
        ("first_recorded_at", sa.DateTime(timezone=True), "min", "recorded_at"),
        ("last_recorded_at", sa.DateTime(timezone=True), "max", "recorded_at"))


def upgrade() -> None:
    for table, total, movements, key, own_date in ITEMS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(total, sa.BigInteger(), nullable=True))
            for column, kind, _, _ in SPAN:
                batch.add_column(sa.Column(column, kind, nullable=True))
        mine = f"m.account_id = {table}.account_id AND m.{key} = {table}.{key}"
        spans = ", ".join(
            f"{column} = COALESCE((SELECT {fold}(m.{source}) FROM {movements} m WHERE {mine}), "
            f"{own_date if source == 'on_date' else 'recorded_at'})"
            for column, _, fold, source in SPAN
        )
        op.execute(
            f"UPDATE {table} SET {total} = COALESCE((SELECT SUM(m.amount_minor) "
            f"FROM {movements} m WHERE {mine}), 0), {spans}"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column(total, existing_type=sa.BigInteger(), nullable=False)
            for column, kind, _, _ in SPAN:
                batch.alter_column(column, existing_type=kind, nullable=False)
        op.create_index(f"ix_{table}_last_on_first_on_0", table, ["last_on", "first_on"])
        op.create_index(f"ix_{table}_last_recorded_at_first_recorded_at_0"[:63], table,
                        ["last_recorded_at", "first_recorded_at"])
        still_open = sa.text(f"{total} <> 0")
        op.create_index(f"ix_{table}_open_0", table, ["account_id", total],
                        postgresql_where=still_open, sqlite_where=still_open)
        if op.get_bind().dialect.name == "postgresql":
            # As after a rebuild: the planner has no statistics of the new columns until
            # autovacuum gets to them, and guesses a third of the invoices still owe.
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    """A rebuild since the upgrade names its indexes with its own token, so they are found
    by their columns rather than by the names this revision gave them."""
    inspector = sa.inspect(op.get_bind())
    for table, total, _, _, _ in ITEMS:
        for found in inspector.get_indexes(table):
            if {total, "last_on", "last_recorded_at"} & set(found["column_names"]):
                op.drop_index(str(found["name"]), table_name=table)
        with op.batch_alter_table(table) as batch:
            for column, _, _, _ in reversed(SPAN):
                batch.drop_column(column)
            batch.drop_column(total)
