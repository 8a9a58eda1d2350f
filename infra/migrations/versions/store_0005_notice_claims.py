"""Notice claims: which process hands each notice to the mail server, so two servers never
send one twice (`ledger.notices.claims`).

Revision ID: store_0005
Revises: store_0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0005"
down_revision = "store_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_notice_claims",
        sa.Column("account", sa.String(64), primary_key=True),
        sa.Column("notice_id", sa.String(64), primary_key=True),
        sa.Column("claimed_by", sa.String(128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_notice_claims")
