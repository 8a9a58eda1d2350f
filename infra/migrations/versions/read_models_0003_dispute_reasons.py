"""Disputes carry a reason code and an owner.

From this release a dispute has a reason code from a configurable list and an owner (a
person or team), both changeable (`DisputeReasonChanged`, `DisputeOwnerAssigned`). The
disputes projected before have neither: their events carry none, and read as reason
``other`` and no owner, which is what this revision gives their rows.

Revision ID: read_models_0003
Revises: read_models_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0003"
down_revision = "read_models_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rm_disputes") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(32), nullable=False,
                                   server_default="other"))
        batch.add_column(sa.Column("owner", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rm_disputes") as batch:
        batch.drop_column("owner")
        batch.drop_column("reason_code")
