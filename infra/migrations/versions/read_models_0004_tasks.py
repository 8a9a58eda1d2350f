"""Tasks: an account's callbacks, follow-ups and reviews (`rm_tasks`, activity projection).

A new table: the events it is made of (`TaskCreated` and its successors) are new too, so
there is nothing projected before to fill it from.

Revision ID: read_models_0004
Revises: read_models_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0004"
down_revision = "read_models_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_tasks",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_time", sa.String(5), nullable=True),
        sa.Column("rule", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_rm_tasks_owner_status_0", "rm_tasks", ["owner", "status"])
    op.create_index("ix_rm_tasks_status_due_date_0", "rm_tasks", ["status", "due_date"])


def downgrade() -> None:
    op.drop_table("rm_tasks")
