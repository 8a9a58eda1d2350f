"""Read-model baseline.

The read models' tables as the release before migrations created them: the projections'
live tables (index token ``0``), stored worklists, tracking, quarantine, Kafka offsets.

Frozen here, not imported from the code: a revision must keep creating what it created
when it was written, whatever the code declares later. ``BASELINE`` is also what adoption
compares an unversioned store's tables with (`infra.migrations.adoption`).

Revision ID: read_models_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0001"
down_revision = None
branch_labels = ("read_models",)
depends_on = None

BASELINE = sa.MetaData()

sa.Table(
    'kafka_projection_offsets', BASELINE,
    sa.Column('projections', sa.String(200), primary_key=True),
    sa.Column('topic', sa.String(249), primary_key=True),
    sa.Column('partition', sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column('last_offset', sa.BigInteger(), nullable=False),
    sa.Column('worker', sa.String(200), nullable=False),
)
sa.Table(
    'kafka_projection_versions', BASELINE,
    sa.Column('projections', sa.String(200), primary_key=True),
    sa.Column('aggregate_id', sa.String(64), primary_key=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
)
sa.Table(
    'projection_quarantine', BASELINE,
    sa.Column('projection', sa.String(64), primary_key=True),
    sa.Column('account_id', sa.String(64), primary_key=True),
    sa.Column('account_number', sa.String(64)),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(64), nullable=False),
    sa.Column('error_class', sa.String(128), nullable=False),
    sa.Column('error', sa.String(500), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('skipped', sa.BigInteger(), nullable=False),
)
sa.Table(
    'projection_tracking', BASELINE,
    sa.Column('projection', sa.String(64), primary_key=True),
    sa.Column('position', sa.BigInteger(), nullable=False),
)
sa.Table(
    'rm_accounts', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('number', sa.String(64), nullable=False),
    sa.Column('name', sa.String(200), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('segment', sa.String(64), nullable=False),
    sa.Column('agent_id', sa.String(64)),
    sa.Column('terms_days', sa.Integer(), nullable=False),
    sa.Column('credit_limit_minor', sa.BigInteger()),
    sa.Column('timezone', sa.String(64), nullable=False),
    sa.Column('cease_communication', sa.Boolean(), nullable=False),
    sa.Column('agency_id', sa.String(64)),
    sa.Column('legal_referral', sa.Boolean(), nullable=False),
    sa.Column('credit_hold', sa.Boolean(), nullable=False),
    sa.Column('personal_data_erased', sa.Boolean(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Index('ix_rm_accounts_agent_id_0', 'agent_id'),
    sa.Index('ix_rm_accounts_number_0', 'number', unique=True),
)
sa.Table(
    'rm_contacts', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('contact_id', sa.String(64), primary_key=True),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(16), nullable=False),
    sa.Column('outcome', sa.String(16), nullable=False),
    sa.Column('purpose', sa.String(24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('agent_id', sa.String(128), nullable=False),
    sa.Column('rules_evaluated', sa.String(500), nullable=False),
    sa.Index('ix_rm_contacts_agent_id_on_date_0', 'agent_id', 'on_date'),
)
sa.Table(
    'rm_credit_movements', BASELINE,
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(36), nullable=False),
    sa.Column('payment_id', sa.String(64), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(32), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Index('ix_rm_credit_movements_account_id_0', 'account_id'),
    sa.Index('ix_rm_credit_movements_position_seq_0', 'position', 'seq', unique=True),
)
sa.Table(
    'rm_disputes', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('dispute_id', sa.String(64), primary_key=True),
    sa.Column('invoice_id', sa.String(64), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(128), nullable=False),
    sa.Column('resolved_on', sa.Date()),
    sa.Column('resolved_at', sa.DateTime(timezone=True)),
    sa.Column('outcome', sa.String(16)),
    sa.Column('credited_minor', sa.BigInteger()),
    sa.Index('ix_rm_disputes_invoice_id_0', 'invoice_id'),
)
sa.Table(
    'rm_history', BASELINE,
    sa.Column('position', sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column('account_id', sa.String(36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(64), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(128), nullable=False),
    sa.Column('actor_role', sa.String(32), nullable=False),
    sa.Column('command_id', sa.String(128), nullable=False),
    sa.Column('correlation_id', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(64), nullable=False),
    sa.Column('hash', sa.String(64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Index('ix_rm_history_account_id_version_0', 'account_id', 'version', unique=True),
)
sa.Table(
    'rm_instalments', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('plan_id', sa.String(64), primary_key=True),
    sa.Column('number', sa.Integer(), primary_key=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('missed_on', sa.Date()),
    sa.Index('ix_rm_instalments_due_date_0', 'due_date'),
)
sa.Table(
    'rm_invoice_movements', BASELINE,
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(36), nullable=False),
    sa.Column('invoice_id', sa.String(64), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(32), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('ref', sa.String(128), nullable=False),
    sa.Index('ix_rm_invoice_movements_account_id_invoice_id_0', 'account_id', 'invoice_id'),
    sa.Index('ix_rm_invoice_movements_on_date_0', 'on_date'),
    sa.Index('ix_rm_invoice_movements_position_seq_0', 'position', 'seq', unique=True),
)
sa.Table(
    'rm_invoices', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('invoice_id', sa.String(64), primary_key=True),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reference', sa.String(2000), nullable=False),
    sa.Index('ix_rm_invoices_due_date_0', 'due_date'),
)
sa.Table(
    'rm_payments', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('payment_id', sa.String(64), primary_key=True),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reference', sa.String(2000), nullable=False),
    sa.Column('reversed_on', sa.Date()),
    sa.Column('reversed_at', sa.DateTime(timezone=True)),
    sa.Index('ix_rm_payments_received_on_0', 'received_on'),
)
sa.Table(
    'rm_plans', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('plan_id', sa.String(64), primary_key=True),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('agreed_by', sa.String(128), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('resolved_on', sa.Date()),
)
sa.Table(
    'rm_promises', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('promise_id', sa.String(64), primary_key=True),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made_by', sa.String(128), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('resolved_on', sa.Date()),
    sa.Column('received_minor', sa.BigInteger()),
    sa.Index('ix_rm_promises_resolved_on_0', 'resolved_on'),
)
sa.Table(
    'rm_recoveries', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('recovery_id', sa.String(64), primary_key=True),
    sa.Column('invoice_id', sa.String(64), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    'rm_reminders', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('invoice_id', sa.String(64), primary_key=True),
    sa.Column('level', sa.String(32), primary_key=True),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('days_past_due', sa.Integer(), nullable=False),
)
sa.Table(
    'rm_settlements', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('settlement_id', sa.String(64), primary_key=True),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('due_by', sa.Date(), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('requested_by', sa.String(128), nullable=False),
    sa.Column('decided_by', sa.String(128)),
    sa.Column('status', sa.String(24), nullable=False),
    sa.Column('resolved_on', sa.Date()),
)
sa.Table(
    'rm_worklist_items', BASELINE,
    sa.Column('agent_id', sa.String(128), primary_key=True),
    sa.Column('day', sa.Date(), primary_key=True),
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(64), nullable=False),
    sa.Column('score', sa.String(40), nullable=False),
    sa.Column('components', sa.Text(), nullable=False),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(64)),
    sa.Column('detail', sa.String(500), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Index('ix_rm_worklist_items_day_agent_id_0', 'day', 'agent_id'),
)
sa.Table(
    'rm_write_off_requests', BASELINE,
    sa.Column('account_id', sa.String(36), primary_key=True),
    sa.Column('request_id', sa.String(64), primary_key=True),
    sa.Column('invoice_id', sa.String(64), nullable=False),
    sa.Column('amount', sa.String(32), nullable=False),
    sa.Column('reason', sa.String(2000), nullable=False),
    sa.Column('requested_by', sa.String(128), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('decided_by', sa.String(128)),
    sa.Column('decided_on', sa.Date()),
)


def upgrade() -> None:
    BASELINE.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    BASELINE.drop_all(op.get_bind(), checkfirst=True)
