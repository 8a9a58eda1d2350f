"""Commands of the collections workflow: disputes, promises, plans, settlements,
write-offs, recoveries, contacts and the daily tick."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.commands.base import (
    Amount,
    BusinessDate,
    Command,
    Currency,
    Identifier,
    Moment,
    Personal,
    RequiredText,
    Text,
)

ReasonCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", examples=["quality"])]
"""A dispute reason code; which ones are allowed is configuration (`dispute_reasons`)."""


class OpenDispute(Command):
    """``reason`` is the debtor's words (a note); ``reason_code`` what reports group by."""

    dispute_id: Identifier
    invoice_id: Identifier
    amount: Amount
    reason: Annotated[Text, Personal("DisputeOpened.reason")]
    reason_code: ReasonCode = "other"
    owner: Identifier | None = None


class ChangeDisputeReason(Command):
    dispute_id: Identifier
    reason_code: ReasonCode
    reason: RequiredText


class AssignDisputeOwner(Command):
    """``owner`` is a person's or a team's id."""

    dispute_id: Identifier
    owner: Identifier
    reason: Text = ""


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
    note: Annotated[Text, Personal("ContactAttempted.note")] = ""


class ProcessDay(Command):
    dated_by: ClassVar[str | None] = "day"
    day: BusinessDate
