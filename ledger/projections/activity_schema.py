"""Tables of the collections-activity read model."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, MetaData, String, Table

from ledger.projections.notices import notice_tables
from ledger.projections.projection import Tables, index


def activity_tables(metadata: MetaData, suffix: str, token: str) -> Tables:
    def name(base: str) -> str:
        return base + suffix

    def account_key(base: str, id_column: str) -> list[Column[str]]:
        return [Column("account_id", String(36), primary_key=True),
                Column(id_column, String(64), primary_key=True)]

    promises = Table(
        name("rm_promises"), metadata, *account_key("rm_promises", "promise_id"),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("made_on", Date, nullable=False),
        Column("made_at", DateTime(timezone=True), nullable=False),
        Column("made_by", String(128), nullable=False),
        Column("due_date", Date, nullable=False),
        Column("grace_days", Integer, nullable=False),
        Column("status", String(16), nullable=False),
        Column("resolved_on", Date),
        Column("received_minor", BigInteger),
        index(name("rm_promises"), token, "resolved_on"),
    )
    plans = Table(
        name("rm_plans"), metadata, *account_key("rm_plans", "plan_id"),
        Column("currency", String(3), nullable=False),
        Column("agreed_on", Date, nullable=False),
        Column("agreed_by", String(128), nullable=False),
        Column("grace_days", Integer, nullable=False),
        Column("total_minor", BigInteger, nullable=False),
        Column("status", String(16), nullable=False),
        Column("missed", Integer, nullable=False),
        Column("resolved_on", Date),
    )
    instalments = Table(
        name("rm_instalments"), metadata, *account_key("rm_instalments", "plan_id"),
        Column("number", Integer, primary_key=True),
        Column("due_date", Date, nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("missed_on", Date),
        index(name("rm_instalments"), token, "due_date"),
    )
    settlements = Table(
        name("rm_settlements"), metadata, *account_key("rm_settlements", "settlement_id"),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("due_by", Date, nullable=False),
        Column("proposed_on", Date, nullable=False),
        Column("requested_by", String(128), nullable=False),
        Column("decided_by", String(128)),
        Column("status", String(24), nullable=False),
        Column("resolved_on", Date),
    )
    contacts = Table(
        name("rm_contacts"), metadata, *account_key("rm_contacts", "contact_id"),
        Column("position", BigInteger, nullable=False),
        Column("channel", String(16), nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("purpose", String(24), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("on_date", Date, nullable=False),
        Column("agent_id", String(128), nullable=False),
        Column("rules_evaluated", String(500), nullable=False),
        index(name("rm_contacts"), token, "agent_id", "on_date"),
    )
    recoveries = Table(
        name("rm_recoveries"), metadata, *account_key("rm_recoveries", "recovery_id"),
        Column("invoice_id", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("received_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    )
    write_off_requests = Table(
        name("rm_write_off_requests"), metadata,
        *account_key("rm_write_off_requests", "request_id"),
        Column("invoice_id", String(64), nullable=False),
        Column("amount", String(32), nullable=False),
        Column("reason", String(2000), nullable=False),
        Column("requested_by", String(128), nullable=False),
        Column("requested_on", Date, nullable=False),
        Column("status", String(16), nullable=False),
        Column("decided_by", String(128)),
        Column("decided_on", Date),
    )
    reminders = Table(
        name("rm_reminders"), metadata, *account_key("rm_reminders", "invoice_id"),
        Column("level", String(32), primary_key=True),
        Column("sent_on", Date, nullable=False),
        Column("days_past_due", Integer, nullable=False),
    )
    tasks = Table(
        name("rm_tasks"), metadata, *account_key("rm_tasks", "task_id"),
        Column("kind", String(16), nullable=False),
        Column("owner", String(64)),
        Column("due_date", Date, nullable=False),
        Column("due_time", String(5)),
        Column("rule", String(32)),
        Column("status", String(16), nullable=False),
        Column("created_on", Date, nullable=False),
        Column("created_by", String(128), nullable=False),
        Column("closed_on", Date),
        index(name("rm_tasks"), token, "owner", "status"),
        index(name("rm_tasks"), token, "status", "due_date"),
    )
    return Tables(
        promises=promises, plans=plans, instalments=instalments, settlements=settlements,
        contacts=contacts, recoveries=recoveries, write_off_requests=write_off_requests,
        reminders=reminders, tasks=tasks, **notice_tables(metadata, suffix, token),
    )
