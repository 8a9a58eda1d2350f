"""Settlements: an amount accepted in full satisfaction, by a date.

When cash received from agreement to the due-by date reaches the settlement
amount, what remains on the covered invoices is written off as a settlement
discount; if the date passes first, the settlement is breached and the full
balance stands. A discount above the four-eyes threshold is only a request
until a different manager approves it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    ArrangementNotFound,
    DuplicateId,
    InvalidDates,
    RequestNotPending,
    SettlementAlreadyActive,
)
from ledger.aggregates.four_eyes import check_approver
from ledger.aggregates.state import ExactDecimal, Settlement, made_from
from ledger.aggregates.writeoffs import InvoiceWrittenOff
from ledger.commands.collections import AgreeSettlement, DecideSettlement
from ledger.money import positive

ACTIVE = ("pending_approval", "agreed")


class SettlementRequested(LedgerEvent):
    settlement_id: str
    currency: str
    amount: ExactDecimal
    due_by: date
    invoice_ids: tuple[str, ...]
    balance: ExactDecimal

    def apply(self, account: Any) -> None:
        account.settlements[self.settlement_id] = made_from(
            Settlement, self, invoice_ids=list(self.invoice_ids), proposed_on=self.effective_on,
            requested_by=self.actor_id, status="pending_approval",
        )


class SettlementAgreed(SettlementRequested):
    """Agreed directly (discount within threshold) or by a manager's approval."""

    def apply(self, account: Any) -> None:
        existing = account.settlements.get(self.settlement_id)
        if existing is None:
            super().apply(account)
        account.settlements[self.settlement_id].status = "agreed"


class SettlementRejected(LedgerEvent):
    settlement_id: str
    reason: str

    def apply(self, account: Any) -> None:
        account.settlements[self.settlement_id].status = "rejected"


class SettlementCompleted(LedgerEvent):
    settlement_id: str
    received: ExactDecimal

    def apply(self, account: Any) -> None:
        settlement: Settlement = account.settlements[self.settlement_id]
        settlement.status = "completed"
        settlement.resolved_on = self.effective_on


class SettlementBreached(LedgerEvent):
    settlement_id: str
    received: ExactDecimal

    def apply(self, account: Any) -> None:
        settlement: Settlement = account.settlements[self.settlement_id]
        settlement.status = "breached"
        settlement.resolved_on = self.effective_on


class SettlementCommands(AccountState):
    def active_settlement(self) -> Settlement | None:
        return next((s for s in self.settlements.values() if s.status in ACTIVE), None)

    def agree_settlement(self, ctx: CommandContext, cmd: AgreeSettlement) -> None:
        if cmd.settlement_id in self.settlements:
            raise DuplicateId(f"settlement {cmd.settlement_id!r} already exists")
        if self.active_settlement() is not None:
            raise SettlementAlreadyActive("the account already has an active settlement")
        value = positive(cmd.amount, cmd.currency)
        if cmd.due_by < ctx.effective_on:
            raise InvalidDates(
                f"a settlement due by {cmd.due_by} cannot be agreed on {ctx.effective_on}"
            )
        covered = sorted(
            i.invoice_id
            for i in self.invoices.values()
            if i.currency == cmd.currency and i.outstanding > 0
        )
        balance = self.outstanding(cmd.currency)
        if value >= balance:
            raise AmountExceedsOutstanding(
                f"a settlement of {value} {cmd.currency} must be below the outstanding {balance}"
            )
        event = SettlementRequested
        if not ctx.policies.settlement_approval.needs_approval(balance - value, cmd.currency):
            event = SettlementAgreed
        self._record(event, ctx, cmd, amount=value, invoice_ids=tuple(covered), balance=balance)

    def decide_settlement(self, ctx: CommandContext, cmd: DecideSettlement) -> None:
        settlement = self.settlements.get(cmd.settlement_id)
        if settlement is None:
            raise ArrangementNotFound(f"settlement {cmd.settlement_id!r} not found")
        if settlement.status != "pending_approval":
            raise RequestNotPending(f"settlement {cmd.settlement_id!r} is {settlement.status}")
        check_approver(ctx, settlement.requested_by)
        ctx.policies.approval_expiry.check_undecided_in_time(
            f"settlement request {cmd.settlement_id!r}", settlement.proposed_on, ctx.effective_on)
        if not cmd.approve:
            self._record(SettlementRejected, ctx, cmd)
            return
        self._record(
            SettlementAgreed,
            ctx,
            settlement,
            invoice_ids=tuple(settlement.invoice_ids),
            balance=self.outstanding(settlement.currency),
        )

    def review_settlement(self, ctx: CommandContext, day: date) -> None:
        settlement = self.active_settlement()
        if settlement is None or settlement.status != "agreed":
            return
        received = self.received_between(
            settlement.currency, settlement.proposed_on, min(day, settlement.due_by)
        )
        if received >= settlement.amount:
            self._record(SettlementCompleted, ctx, settlement, received=received)
            for invoice_id in settlement.invoice_ids:
                remaining = self.invoices[invoice_id].undisputed
                if remaining > 0:
                    self._record(
                        InvoiceWrittenOff,
                        ctx,
                        invoice_id=invoice_id,
                        amount=remaining,
                        kind="settlement_discount",
                        ref=settlement.settlement_id,
                        reason="settlement discount",
                    )
        elif day > settlement.due_by:
            self._record(SettlementBreached, ctx, settlement, received=received,
                         effective_on=settlement.due_by + timedelta(days=1))
