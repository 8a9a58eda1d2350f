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
from ledger.aggregates.four_eyes import MANAGER, FourEyesPolicy, check_approver
from ledger.aggregates.invoices import InvoiceCommands
from ledger.aggregates.state import Invoice, Movement, WriteOffRequest
from ledger.money import positive


class WriteOffRequested(LedgerEvent):
    request_id: str
    invoice_id: str
    currency: str
    amount: Decimal
    reason: str

    def apply(self, account: Any) -> None:
        account.write_off_requests[self.request_id] = WriteOffRequest(
            request_id=self.request_id,
            invoice_id=self.invoice_id,
            amount=self.amount,
            reason=self.reason,
            requested_by=self.actor_id,
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
    amount: Decimal
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
    amount: Decimal
    received_on: date

    def apply(self, account: Any) -> None:
        invoice: Invoice = account.invoices[self.invoice_id]
        invoice.recovered += self.amount
        invoice.movements.append(
            Movement(self.received_on, self.timestamp, "recovery", Decimal(0), self.recovery_id)
        )


class WriteOffCommands(AccountState):
    def write_off(
        self,
        ctx: CommandContext,
        *,
        invoice_id: str,
        amount: Decimal,
        reason: str,
        policy: FourEyesPolicy,
        ref: str = "",
    ) -> None:
        """A manager's direct write-off, allowed only up to the four-eyes threshold."""
        invoice = self.invoice(invoice_id)
        value = positive(amount, invoice.currency)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, value)
        if ctx.actor_role != MANAGER:
            raise NotAuthorised("only a manager writes off directly; others request a write-off")
        if policy.needs_approval(value, invoice.currency):
            raise WriteOffNeedsApproval(
                f"{value} {invoice.currency} is above the four-eyes threshold "
                f"{policy.threshold(invoice.currency)}: request it for approval"
            )
        self._record(
            InvoiceWrittenOff,
            ctx,
            invoice_id=invoice_id,
            amount=value,
            kind="write_off",
            ref=ref or ctx.command_id,
            reason=reason,
        )

    def request_write_off(
        self, ctx: CommandContext, *, request_id: str, invoice_id: str, amount: Decimal, reason: str
    ) -> None:
        if request_id in self.write_off_requests:
            raise DuplicateId(f"write-off request {request_id!r} already exists")
        invoice = self.invoice(invoice_id)
        value = positive(amount, invoice.currency)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, value)
        self._record(
            WriteOffRequested,
            ctx,
            request_id=request_id,
            invoice_id=invoice_id,
            currency=invoice.currency,
            amount=value,
            reason=reason,
        )

    def approve_write_off(self, ctx: CommandContext, *, request_id: str, reason: str) -> None:
        request = self._pending_request(request_id)
        check_approver(ctx, request.requested_by)
        invoice = self.invoice(request.invoice_id)
        InvoiceCommands.check_dated_after_issue(invoice, ctx.effective_on)
        InvoiceCommands.check_reduction(invoice, request.amount)
        self._record(WriteOffApproved, ctx, request_id=request_id, reason=reason)
        self._record(
            InvoiceWrittenOff,
            ctx,
            invoice_id=request.invoice_id,
            amount=request.amount,
            kind="write_off",
            ref=request_id,
            reason=request.reason,
        )

    def reject_write_off(self, ctx: CommandContext, *, request_id: str, reason: str) -> None:
        request = self._pending_request(request_id)
        check_approver(ctx, request.requested_by)
        self._record(WriteOffRejected, ctx, request_id=request_id, reason=reason)

    def record_recovery(
        self,
        ctx: CommandContext,
        *,
        recovery_id: str,
        invoice_id: str,
        amount: Decimal,
        received_on: date,
    ) -> None:
        invoice = self.invoice(invoice_id)
        if any(m.ref == recovery_id for m in invoice.movements):
            raise DuplicateId(f"recovery {recovery_id!r} already recorded")
        value = positive(amount, invoice.currency)
        recoverable = invoice.written_off - invoice.recovered
        if value > recoverable:
            raise RecoveryExceedsWrittenOff(
                f"{value} {invoice.currency} exceeds the {recoverable} still written off "
                f"on invoice {invoice_id!r}"
            )
        self._record(
            WrittenOffAmountRecovered,
            ctx,
            effective_on=received_on,
            recovery_id=recovery_id,
            invoice_id=invoice_id,
            currency=invoice.currency,
            amount=value,
            received_on=received_on,
        )

    def _pending_request(self, request_id: str) -> WriteOffRequest:
        request = self.write_off_requests.get(request_id)
        if request is None:
            raise WriteOffRequestNotFound(f"write-off request {request_id!r} not found")
        if request.status != "pending":
            raise RequestNotPending(f"write-off request {request_id!r} is {request.status}")
        return request
