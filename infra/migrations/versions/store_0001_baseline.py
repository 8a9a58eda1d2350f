"""Store baseline.

The store's own tables as the release before migrations created them: command log,
personal-data keys, checkpoint heads, API keys.

Frozen here, not imported from the code: a revision must keep creating what it created
when it was written, whatever the code declares later. ``BASELINE`` is also what adoption
compares an unversioned store's tables with (`infra.migrations.adoption`).

Revision ID: store_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0001"
down_revision = None
branch_labels = ("store",)
depends_on = None

BASELINE = sa.MetaData()

sa.Table(
    'api_keys', BASELINE,
    sa.Column('key_id', sa.String(16), primary_key=True),
    sa.Column('key_hash', sa.String(64), nullable=False, unique=True),
    sa.Column('actor_id', sa.String(128), nullable=False),
    sa.Column('role', sa.String(16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True)),
)
sa.Table(
    'ledger_checkpoint_heads', BASELINE,
    sa.Column('sequence', sa.Integer(), primary_key=True),
    sa.Column('account_id', sa.String(64), primary_key=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('digest', sa.String(64), nullable=False),
)
sa.Table(
    'ledger_commands', BASELINE,
    sa.Column('command_id', sa.String(128), primary_key=True),
    sa.Column('digest', sa.String(64), nullable=False),
    sa.Column('command_type', sa.String(64), nullable=False),
    sa.Column('account', sa.String(64), nullable=False),
    sa.Column('actor_id', sa.String(128), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
)
sa.Table(
    'personal_data_keys', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
)


def upgrade() -> None:
    BASELINE.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    BASELINE.drop_all(op.get_bind(), checkfirst=True)
