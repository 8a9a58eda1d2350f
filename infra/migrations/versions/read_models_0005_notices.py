"""Notices: each notice the ledger sent, what it lists per currency and what became of it
(`rm_notices`, `rm_notice_amounts`, activity projection).

New tables beside the activity's: the events they are made of (`NoticeSent`,
`NoticeDelivered`, `NoticeFailed`) are in no released store, so there is nothing projected
before to fill them from.

Revision ID: read_models_0005
Revises: read_models_0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0005"
down_revision = "read_models_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_notices",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("notice_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("segment", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_rm_notices_position_0", "rm_notices", ["position"], unique=True)
    op.create_index("ix_rm_notices_status_channel_0", "rm_notices", ["status", "channel"])
    op.create_index("ix_rm_notices_sent_on_0", "rm_notices", ["sent_on"])
    op.create_table(
        "rm_notice_amounts",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("notice_id", sa.String(64), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rm_notice_amounts")
    op.drop_table("rm_notices")
