"""The last day the daily loop ticked, per portfolio (`ledger.daily_loop.ticked_days`).

Revision ID: store_0003
Revises: store_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0003"
down_revision = "store_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_ticked_days",
        sa.Column("portfolio", sa.String(64), primary_key=True),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_ticked_days")
