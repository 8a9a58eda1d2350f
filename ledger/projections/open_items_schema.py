"""Tables of the open-items read model.

Every change to what an invoice owes, or to a payment's unapplied credit, is a row
with its business date and recorded time, so aging, statements and KPIs "as of D,
as known at T" are SQL filters over these rows rather than replays.

Each invoice and payment row also carries the sum of all its movements and the span of
their dates and recorded times (`summed`). An item whose movements all count as of D as
known at T owes that sum; one whose movements all fall after either owes nothing; only
the items in between need their movements summed (`ledger.projections.outstanding`).
The partial index keeps the items that owe something today apart, so today's aging reads
those alone rather than every invoice ever issued.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
)

from ledger.projections.projection import Tables, index


def summed(total: str) -> list[Column[Any]]:
    """The sum of an item's movements (``total``) and the span they cover."""
    return [
        Column(total, BigInteger, nullable=False),
        Column("first_on", Date, nullable=False),
        Column("last_on", Date, nullable=False),
        Column("first_recorded_at", DateTime(timezone=True), nullable=False),
        Column("last_recorded_at", DateTime(timezone=True), nullable=False),
    ]


def spanning(table_name: str, token: str) -> list[Index]:
    """The items whose span of dates (or of recorded times) straddles a moment: a range on
    the last, filtered on the first within the index, without reading the rows."""
    return [index(table_name, token, "last_on", "first_on"),
            index(table_name, token, "last_recorded_at", "first_recorded_at")]


def still_open(table_name: str, token: str, total: str) -> Index:
    """The items whose movements do not sum to zero: what owes (or holds credit) today."""
    return Index(f"ix_{table_name}_open_{token}"[:63], "account_id", total,
                 postgresql_where=text(f"{total} <> 0"), sqlite_where=text(f"{total} <> 0"))


def open_items_tables(metadata: MetaData, suffix: str, token: str) -> Tables:
    def name(base: str) -> str:
        return base + suffix

    accounts = Table(
        name("rm_accounts"), metadata,
        Column("account_id", String(36), primary_key=True),
        Column("number", String(64), nullable=False),
        Column("name", String(200), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("segment", String(64), nullable=False),
        Column("agent_id", String(64)),
        Column("terms_days", Integer, nullable=False),
        Column("credit_limit_minor", BigInteger),
        Column("timezone", String(64), nullable=False),
        Column("cease_communication", Boolean, nullable=False, default=False),
        Column("agency_id", String(64)),
        Column("legal_referral", Boolean, nullable=False, default=False),
        Column("credit_hold", Boolean, nullable=False, default=False),
        Column("personal_data_erased", Boolean, nullable=False, default=False),
        Column("opened_on", Date, nullable=False),
        index(name("rm_accounts"), token, "number", unique=True),
        index(name("rm_accounts"), token, "agent_id"),
    )
    invoices = Table(
        name("rm_invoices"), metadata,
        Column("account_id", String(36), primary_key=True),
        Column("invoice_id", String(64), primary_key=True),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("issue_date", Date, nullable=False),
        Column("due_date", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("reference", String(2000), nullable=False),
        *summed("outstanding_minor"),
        index(name("rm_invoices"), token, "due_date"),
        *spanning(name("rm_invoices"), token),
        still_open(name("rm_invoices"), token, "outstanding_minor"),
    )
    invoice_movements = Table(
        name("rm_invoice_movements"), metadata,
        Column("position", BigInteger, nullable=False),
        Column("seq", Integer, nullable=False),
        Column("account_id", String(36), nullable=False),
        Column("invoice_id", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("on_date", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("kind", String(32), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("ref", String(128), nullable=False),
        index(name("rm_invoice_movements"), token, "account_id", "invoice_id"),
        index(name("rm_invoice_movements"), token, "on_date"),
        index(name("rm_invoice_movements"), token, "position", "seq", unique=True),
    )
    payments = Table(
        name("rm_payments"), metadata,
        Column("account_id", String(36), primary_key=True),
        Column("payment_id", String(64), primary_key=True),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("received_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("reference", String(2000), nullable=False),
        Column("reversed_on", Date),
        Column("reversed_at", DateTime(timezone=True)),
        *summed("unapplied_minor"),
        index(name("rm_payments"), token, "received_on"),
        *spanning(name("rm_payments"), token),
        still_open(name("rm_payments"), token, "unapplied_minor"),
    )
    credit_movements = Table(
        name("rm_credit_movements"), metadata,
        Column("position", BigInteger, nullable=False),
        Column("seq", Integer, nullable=False),
        Column("account_id", String(36), nullable=False),
        Column("payment_id", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("on_date", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("kind", String(32), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        index(name("rm_credit_movements"), token, "account_id"),
        index(name("rm_credit_movements"), token, "position", "seq", unique=True),
    )
    disputes = Table(
        name("rm_disputes"), metadata,
        Column("account_id", String(36), primary_key=True),
        Column("dispute_id", String(64), primary_key=True),
        Column("invoice_id", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("opened_on", Date, nullable=False),
        Column("opened_at", DateTime(timezone=True), nullable=False),
        Column("opened_by", String(128), nullable=False),
        Column("resolved_on", Date),
        Column("resolved_at", DateTime(timezone=True)),
        Column("outcome", String(16)),
        Column("credited_minor", BigInteger),
        Column("reason_code", String(32), nullable=False, server_default="other"),
        Column("owner", String(64)),
        index(name("rm_disputes"), token, "invoice_id"),
    )
    return Tables(
        accounts=accounts, invoices=invoices, invoice_movements=invoice_movements,
        payments=payments, credit_movements=credit_movements, disputes=disputes,
    )
