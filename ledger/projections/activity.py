"""Collections activity: promises, plans, settlements, contacts, recoveries,
write-off requests, dunning steps, notices and tasks — what worklists and KPIs are made of."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData

from ledger.projections.activity_schema import activity_tables
from ledger.projections.amounts import to_minor
from ledger.projections.batch_writer import BatchWriter
from ledger.projections.notices import NoticeHandlers
from ledger.projections.projection import Positioned, Projection, Tables


class ActivityProjection(Projection):
    name = "activity"

    def define(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        return activity_tables(metadata, suffix, token)

    def handle(self, session: Any, tables: Tables, events: Sequence[Positioned]) -> None:
        writer = BatchWriter(session)
        handlers = _Handlers(tables, writer)
        for item in events:
            handler = getattr(handlers, f"on_{item.event.event_type}", None)
            if handler is not None:
                handler(str(item.event.originator_id), item.event, item.position)
        writer.flush()


class _Handlers(NoticeHandlers):
    def __init__(self, tables: Tables, writer: BatchWriter) -> None:
        self.t, self.w = tables, writer

    def _key(self, account: str, column: str, value: str) -> dict[str, str]:
        return {"account_id": account, column: value}

    def on_PromiseToPayMade(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["promises"], account_id=account, promise_id=e.promise_id,
            currency=e.currency, amount_minor=to_minor(e.amount, e.currency),
            made_on=e.effective_on, made_at=e.timestamp, made_by=e.actor_id,
            due_date=e.due_date, grace_days=e.grace_days, status="open", resolved_on=None,
            received_minor=None,
        )

    def _resolve_promise(self, account: str, e: Any, status: str) -> None:
        key = self._key(account, "promise_id", e.promise_id)
        currency = self.w.lookup(self.t["promises"], key, "currency")
        self.w.update(self.t["promises"], key, status=status, resolved_on=e.effective_on,
                      received_minor=to_minor(e.received, currency))

    def on_PromiseKept(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._resolve_promise(account, e, "kept")

    def on_PromiseBroken(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._resolve_promise(account, e, "broken")

    def on_PaymentPlanAgreed(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        total = sum((i.amount for i in e.instalments), Decimal(0))
        self.w.insert(
            self.t["plans"], account_id=account, plan_id=e.plan_id, currency=e.currency,
            agreed_on=e.effective_on, agreed_by=e.actor_id, grace_days=e.grace_days,
            total_minor=to_minor(total, e.currency), status="active", missed=0,
            resolved_on=None,
        )
        for i in e.instalments:
            self.w.insert(
                self.t["instalments"], account_id=account, plan_id=e.plan_id,
                number=i.number, due_date=i.due_date,
                amount_minor=to_minor(i.amount, e.currency), missed_on=None,
            )

    def on_InstalmentMissed(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["instalments"],
                      {"account_id": account, "plan_id": e.plan_id, "number": e.number},
                      missed_on=e.effective_on)

    def on_PaymentPlanCompleted(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["plans"], self._key(account, "plan_id", e.plan_id),
                      status="completed", resolved_on=e.effective_on)

    def on_PaymentPlanBroken(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["plans"], self._key(account, "plan_id", e.plan_id),
                      status="broken", resolved_on=e.effective_on)

    def on_SettlementRequested(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["settlements"], account_id=account, settlement_id=e.settlement_id,
            currency=e.currency, amount_minor=to_minor(e.amount, e.currency), due_by=e.due_by,
            proposed_on=e.effective_on, requested_by=e.actor_id, decided_by=None,
            status="pending_approval", resolved_on=None,
        )

    def on_SettlementAgreed(self, account: str, e: Any, position: int) -> None:  # noqa: N802
        """Agreed at once, or a pending request approved by a manager."""
        key = self._key(account, "settlement_id", e.settlement_id)
        if self.w.lookup(self.t["settlements"], key, "status") is None:
            self.on_SettlementRequested(account, e, position)
            self.w.update(self.t["settlements"], key, status="agreed")
        else:
            self.w.update(self.t["settlements"], key, status="agreed", decided_by=e.actor_id)

    def _close_settlement(self, account: str, e: Any, status: str) -> None:
        self.w.update(self.t["settlements"], self._key(account, "settlement_id", e.settlement_id),
                      status=status, resolved_on=e.effective_on)

    def on_SettlementRejected(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["settlements"], self._key(account, "settlement_id", e.settlement_id),
                      status="rejected", decided_by=e.actor_id, resolved_on=e.effective_on)

    def on_SettlementCompleted(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._close_settlement(account, e, "completed")

    def on_SettlementBreached(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._close_settlement(account, e, "breached")

    def on_ContactAttempted(self, account: str, e: Any, position: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["contacts"], account_id=account, contact_id=e.contact_id, position=position,
            channel=e.channel, outcome=e.outcome, purpose=e.purpose, at=e.at,
            on_date=e.effective_on, agent_id=e.agent_id,
            rules_evaluated=",".join(e.rules_evaluated),
        )

    def on_WrittenOffAmountRecovered(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["recoveries"], account_id=account, recovery_id=e.recovery_id,
            invoice_id=e.invoice_id, currency=e.currency,
            amount_minor=to_minor(e.amount, e.currency), received_on=e.received_on,
            recorded_at=e.timestamp,
        )

    def on_WriteOffRequested(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["write_off_requests"], account_id=account, request_id=e.request_id,
            invoice_id=e.invoice_id, amount=f"{e.amount} {e.currency}", reason=e.reason,
            requested_by=e.actor_id, requested_on=e.effective_on, status="pending",
            decided_by=None, decided_on=None,
        )

    def _decide_write_off(self, account: str, e: Any, status: str) -> None:
        self.w.update(self.t["write_off_requests"],
                      self._key(account, "request_id", e.request_id),
                      status=status, decided_by=e.actor_id, decided_on=e.effective_on)

    def on_WriteOffApproved(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._decide_write_off(account, e, "approved")

    def on_WriteOffRejected(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._decide_write_off(account, e, "rejected")

    def on_WriteOffRequestExpired(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        """Expired by the daily tick: no one decided it (``decided_by`` stays empty)."""
        self.w.update(self.t["write_off_requests"],
                      self._key(account, "request_id", e.request_id),
                      status="expired", decided_on=e.effective_on)

    def on_SettlementRequestExpired(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self._close_settlement(account, e, "expired")

    def on_TaskCreated(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["tasks"], account_id=account, task_id=e.task_id, kind=e.kind, owner=e.owner,
            due_date=e.due_date, due_time=e.due_time, rule=e.rule, status="open",
            created_on=e.effective_on, created_by=e.actor_id, closed_on=None,
        )

    def on_TaskReassigned(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["tasks"], self._key(account, "task_id", e.task_id), owner=e.owner)

    def on_TaskCompleted(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["tasks"], self._key(account, "task_id", e.task_id),
                      status="completed", closed_on=e.effective_on)

    def on_TaskCancelled(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["tasks"], self._key(account, "task_id", e.task_id),
                      status="cancelled", closed_on=e.effective_on)

    def on_ReminderSent(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.insert(self.t["reminders"], account_id=account, invoice_id=e.invoice_id,
                      level=e.level, sent_on=e.effective_on, days_past_due=e.days_past_due)
