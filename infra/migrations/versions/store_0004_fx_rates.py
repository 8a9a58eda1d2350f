"""FX rates as reference data (`ledger.fx_rates`): rate per currency pair and date.

Revision ID: store_0004
Revises: store_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0004"
down_revision = "store_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_fx_rates",
        sa.Column("base_currency", sa.String(3), primary_key=True),
        sa.Column("quote_currency", sa.String(3), primary_key=True),
        sa.Column("rate_date", sa.Date(), primary_key=True),
        sa.Column("rate", sa.String(32), nullable=False),
        sa.Column("source", sa.String(256), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_fx_rates")
