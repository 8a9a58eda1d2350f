"""Cash application (`rm_receipts`, `rm_receipt_splits`, `rm_payer_accounts`,
`rm_invoice_numbers`; the cash projection).

A new projection: its tables start empty and its tracking row absent, so the runner
builds it from the start of the log like any projection it has not seen (every invoice
issued so far lands in ``rm_invoice_numbers``). Receipts and payer accounts are in no
released store.

Revision ID: read_models_0006
Revises: read_models_0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "read_models_0006"
down_revision = "read_models_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_receipts",
        sa.Column("receipt_id", sa.String(36), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("statement_id", sa.String(256), nullable=False),
        sa.Column("statement_format", sa.String(16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("bank_account", sa.String(64), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("counterparty_name", sa.String(200), nullable=False),
        sa.Column("counterparty_account", sa.String(64), nullable=False),
        sa.Column("remittance", sa.Text(), nullable=False),
        sa.Column("creditor_reference", sa.String(64), nullable=False),
        sa.Column("bank_reference", sa.String(256), nullable=False),
        sa.Column("end_to_end_id", sa.String(256), nullable=False),
        sa.Column("virtual_account", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(32), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_rm_receipts_key_0", "rm_receipts", ["key"], unique=True)
    op.create_index("ix_rm_receipts_status_value_on_0", "rm_receipts", ["status", "value_on"])
    op.create_index("ix_rm_receipts_bank_reference_0", "rm_receipts", ["bank_reference"])
    op.create_index("ix_rm_receipts_end_to_end_id_0", "rm_receipts", ["end_to_end_id"])
    op.create_table(
        "rm_receipt_splits",
        sa.Column("receipt_id", sa.String(36), primary_key=True),
        sa.Column("split", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_rm_receipt_splits_account_id_0", "rm_receipt_splits", ["account_id"])
    op.create_table(
        "rm_payer_accounts",
        sa.Column("bank_account", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "rm_invoice_numbers",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("invoice_id", sa.String(64), primary_key=True),
        sa.Column("folded", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    )
    op.create_index("ix_rm_invoice_numbers_folded_0", "rm_invoice_numbers", ["folded"])


def downgrade() -> None:
    op.drop_table("rm_invoice_numbers")
    op.drop_table("rm_payer_accounts")
    op.drop_table("rm_receipt_splits")
    op.drop_table("rm_receipts")
