"""Commands of the collections workflow: disputes, promises, plans, settlements,
write-offs, recoveries, contacts and the daily tick."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.commands.base import (
    Amount,
    BusinessDate,
    Command,
    Currency,
    Identifier,
    Moment,
    RequiredText,
    Text,
)
from ledger.unit_of_work import Handler, UnitOfWork


class OpenDispute(Command):
    dispute_id: Identifier
    invoice_id: Identifier
    amount: Amount
    reason: Text


class ResolveDispute(Command):
    dispute_id: Identifier
    outcome: Literal["upheld", "rejected"]
    reason: Text = ""
    credit_amount: Amount | None = None


class MakePromise(Command):
    promise_id: Identifier
    amount: Amount
    currency: Currency
    due_date: BusinessDate
    grace_days: int = Field(default=0, ge=0, le=31)


class InstalmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    due_date: BusinessDate
    amount: Amount


class AgreePaymentPlan(Command):
    plan_id: Identifier
    currency: Currency
    instalments: tuple[InstalmentLine, ...] = Field(min_length=1, max_length=120)
    grace_days: int = Field(default=0, ge=0, le=31)


class AgreeSettlement(Command):
    settlement_id: Identifier
    amount: Amount
    currency: Currency
    due_by: BusinessDate


class DecideSettlement(Command):
    settlement_id: Identifier
    approve: bool
    reason: Text = ""


class WriteOff(Command):
    invoice_id: Identifier
    amount: Amount
    reason: RequiredText


class RequestWriteOff(Command):
    request_id: Identifier
    invoice_id: Identifier
    amount: Amount
    reason: RequiredText


class DecideWriteOff(Command):
    request_id: Identifier
    approve: bool
    reason: Text = ""


class RecordRecovery(Command):
    dated_by: ClassVar[str | None] = "received_on"
    recovery_id: Identifier
    invoice_id: Identifier
    amount: Amount
    received_on: BusinessDate


class RecordContact(Command):
    contact_id: Identifier
    channel: Literal["call", "email", "letter", "sms", "visit"]
    outcome: Literal["no_answer", "left_message", "conversation", "wrong_number", "refused", "sent"]
    at: Moment
    purpose: Literal["collection", "permitted_notice", "service"] = "collection"
    note: Text = ""


class ProcessDay(Command):
    dated_by: ClassVar[str | None] = "day"
    day: BusinessDate


def open_dispute(cmd: OpenDispute, uow: UnitOfWork) -> None:
    account = uow.account()
    account.open_dispute(
        uow.context(),
        dispute_id=cmd.dispute_id,
        invoice_id=cmd.invoice_id,
        amount=cmd.amount,
        reason=uow.personal_data.seal(
            account.id, "DisputeOpened.reason", cmd.reason, erased=account.personal_data_erased
        ),
    )


def resolve_dispute(cmd: ResolveDispute, uow: UnitOfWork) -> None:
    uow.account().resolve_dispute(
        uow.context(),
        dispute_id=cmd.dispute_id,
        outcome=cmd.outcome,
        reason=cmd.reason,
        credit_amount=cmd.credit_amount,
    )


def make_promise(cmd: MakePromise, uow: UnitOfWork) -> None:
    uow.account().make_promise(
        uow.context(),
        promise_id=cmd.promise_id,
        amount=cmd.amount,
        currency=cmd.currency,
        due_date=cmd.due_date,
        grace_days=cmd.grace_days,
    )


def agree_payment_plan(cmd: AgreePaymentPlan, uow: UnitOfWork) -> None:
    uow.account().agree_plan(
        uow.context(),
        plan_id=cmd.plan_id,
        currency=cmd.currency,
        instalments=[(i.due_date, i.amount) for i in cmd.instalments],
        grace_days=cmd.grace_days,
    )


def agree_settlement(cmd: AgreeSettlement, uow: UnitOfWork) -> None:
    uow.account().agree_settlement(
        uow.context(),
        settlement_id=cmd.settlement_id,
        amount=cmd.amount,
        currency=cmd.currency,
        due_by=cmd.due_by,
        policy=uow.policies.settlement_approval,
    )


def decide_settlement(cmd: DecideSettlement, uow: UnitOfWork) -> None:
    uow.account().decide_settlement(
        uow.context(), settlement_id=cmd.settlement_id, approve=cmd.approve, reason=cmd.reason
    )


def write_off(cmd: WriteOff, uow: UnitOfWork) -> None:
    uow.account().write_off(
        uow.context(),
        invoice_id=cmd.invoice_id,
        amount=cmd.amount,
        reason=cmd.reason,
        policy=uow.policies.four_eyes,
    )


def request_write_off(cmd: RequestWriteOff, uow: UnitOfWork) -> None:
    uow.account().request_write_off(
        uow.context(),
        request_id=cmd.request_id,
        invoice_id=cmd.invoice_id,
        amount=cmd.amount,
        reason=cmd.reason,
    )


def decide_write_off(cmd: DecideWriteOff, uow: UnitOfWork) -> None:
    account = uow.account()
    if cmd.approve:
        account.approve_write_off(uow.context(), request_id=cmd.request_id, reason=cmd.reason)
    else:
        account.reject_write_off(uow.context(), request_id=cmd.request_id, reason=cmd.reason)


def record_recovery(cmd: RecordRecovery, uow: UnitOfWork) -> None:
    uow.account().record_recovery(
        uow.context(cmd.received_on),
        recovery_id=cmd.recovery_id,
        invoice_id=cmd.invoice_id,
        amount=cmd.amount,
        received_on=cmd.received_on,
    )


def record_contact(cmd: RecordContact, uow: UnitOfWork) -> None:
    account = uow.account()
    account.record_contact(
        uow.context(),
        contact_id=cmd.contact_id,
        channel=cmd.channel,
        outcome=cmd.outcome,
        at=cmd.at,
        policy=uow.policies.contact.for_portfolio(account.segment),
        purpose=cmd.purpose,
        note=uow.personal_data.seal(
            account.id, "ContactAttempted.note", cmd.note, erased=account.personal_data_erased
        ),
    )


def process_day(cmd: ProcessDay, uow: UnitOfWork) -> None:
    uow.account().process_day(uow.context(cmd.day), cmd.day, uow.policies.dunning)


HANDLERS: dict[type[Command], Handler] = {
    OpenDispute: open_dispute,
    ResolveDispute: resolve_dispute,
    MakePromise: make_promise,
    AgreePaymentPlan: agree_payment_plan,
    AgreeSettlement: agree_settlement,
    DecideSettlement: decide_settlement,
    WriteOff: write_off,
    RequestWriteOff: request_write_off,
    DecideWriteOff: decide_write_off,
    RecordRecovery: record_recovery,
    RecordContact: record_contact,
    ProcessDay: process_day,
}
