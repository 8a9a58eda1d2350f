"""Write-offs (direct or four-eyes) and recoveries of written-off amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    DuplicateId,
    NotAuthorised,
    RecoveryExceedsWrittenOff,
    RequestNotPending,
    WriteOffNeedsApproval,
    WriteOffRequestNotFound,
)
from ledger.aggregates.four_eyes import MANAGER, check_approver
from ledger.aggregates.invoices import InvoiceCommands
from ledger.aggregates.state import ExactDecimal, Invoice, Movement, WriteOffRequest, made_from
from ledger.commands.collections import DecideWriteOff, RecordRecovery, RequestWriteOff, WriteOff
from ledger.money import positive

SYSTEM_ROLE = "system"
"""The role of the ledger's own steps (`ledger.commands.base.SYSTEM`)."""


class WriteOffRequested(LedgerEvent):
    request_id: str
    invoice_id: str
    currency: str
    amount: ExactDecimal
    reason: str

    def apply(self, account: Any) -> None:
        account.write_off_requests[self.request_id] = made_from(
            WriteOffRequest, self, requested_by=self.actor_id, requested_on=self.effective_on
        )


class WriteOffApproved(LedgerEvent):
    request_id: str
    reason: str

    def apply(self, account: Any) -> None:
        request: WriteOffRequest = account.write_off_requests[self.request_id]
        request.status = "approved"
        request.decided_by = self.actor_id


class WriteOffRejected(LedgerEvent):
    request_id: str
    reason: str

    def apply(self, account: Any) -> None:
        request: WriteOffRequest = account.write_off_requests[self.request_id]
        request.status = "rejected"
        request.decided_by = self.actor_id


class InvoiceWrittenOff(LedgerEvent):
    """``kind`` is ``write_off`` or ``settlement_discount``; ``ref`` the request or settlement."""

    invoice_id: str
    amount: ExactDecimal
    kind: str
    ref: str
    reason: str

    def apply(self, account: Any) -> None:
        invoice: Invoice = account.invoices[self.invoice_id]
        invoice.written_off += self.amount
        invoice.movements.append(
            Movement(self.effective_on, self.timestamp, self.kind, -self.amount, self.ref)
        )


class WrittenOffAmountRecovered(LedgerEvent):
    recovery_id: str
    invoice_id: str
    currency: str
    amount: ExactDecimal
    received_on: date

    def apply(self, account: Any) -> None:
        invoice: Invoice = account.invoices[self.invoice_id]
        invoice.recovered += self.amount
        invoice.movements.append(
            Movement(self.received_on, self.timestamp, "recovery", Decimal(0), self.recovery_id)
        )


class WriteOffCommands(AccountState):
    def write_off(self, ctx: CommandContext, cmd: WriteOff) -> None:
        """A manager's direct write-off, allowed only up to the four-eyes threshold; or cash
        application's, as the system, of a short payment within the currency's tolerance
        (`ledger.cash.policy`), which its owner allowed by setting it."""
        invoice = self.invoice(cmd.invoice_id)
        value = positive(cmd.amount, invoice.currency)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, value)
        tolerated = (ctx.actor_role == SYSTEM_ROLE
                     and value <= ctx.policies.cash.tolerance(invoice.currency))
        if ctx.actor_role != MANAGER and not tolerated:
            raise NotAuthorised("only a manager writes off directly; others request a write-off")
        policy = ctx.policies.four_eyes
        if policy.needs_approval(value, invoice.currency):
            raise WriteOffNeedsApproval(
                f"{value} {invoice.currency} is above the four-eyes threshold "
                f"{policy.threshold(invoice.currency)}: request it for approval"
            )
        self._record(InvoiceWrittenOff, ctx, cmd, amount=value, kind="write_off",
                     ref=ctx.command_id)

    def request_write_off(self, ctx: CommandContext, cmd: RequestWriteOff) -> None:
        if cmd.request_id in self.write_off_requests:
            raise DuplicateId(f"write-off request {cmd.request_id!r} already exists")
        invoice = self.invoice(cmd.invoice_id)
        value = positive(cmd.amount, invoice.currency)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, value)
        self._record(WriteOffRequested, ctx, cmd, currency=invoice.currency, amount=value)

    def decide_write_off(self, ctx: CommandContext, cmd: DecideWriteOff) -> None:
        request = self._pending_request(cmd.request_id)
        check_approver(ctx, request.requested_by)
        if request.requested_on is not None:
            ctx.policies.approval_expiry.check_undecided_in_time(
                f"write-off request {cmd.request_id!r}", request.requested_on, ctx.effective_on)
        if not cmd.approve:
            self._record(WriteOffRejected, ctx, cmd)
            return
        invoice = self.invoice(request.invoice_id)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, request.amount)
        self._record(WriteOffApproved, ctx, cmd)
        self._record(InvoiceWrittenOff, ctx, request, kind="write_off", ref=request.request_id)

    def record_recovery(self, ctx: CommandContext, cmd: RecordRecovery) -> None:
        invoice = self.invoice(cmd.invoice_id)
        if any(m.ref == cmd.recovery_id for m in invoice.movements):
            raise DuplicateId(f"recovery {cmd.recovery_id!r} already recorded")
        value = positive(cmd.amount, invoice.currency)
        recoverable = invoice.written_off - invoice.recovered
        if value > recoverable:
            raise RecoveryExceedsWrittenOff(
                f"{value} {invoice.currency} exceeds the {recoverable} still written off "
                f"on invoice {cmd.invoice_id!r}"
            )
        self._record(WrittenOffAmountRecovered, ctx, cmd, currency=invoice.currency, amount=value)

    def _pending_request(self, request_id: str) -> WriteOffRequest:
        request = self.write_off_requests.get(request_id)
        if request is None:
            raise WriteOffRequestNotFound(f"write-off request {request_id!r} not found")
        if request.status != "pending":
            raise RequestNotPending(f"write-off request {request_id!r} is {request.status}")
        return request
