"""What cash application's endpoints take and return: an import's outcome, receipts, a
person's match or return, and the cash-application report. Amounts are decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.money import Money, Ratio
from ledger.commands.base import Amount, Identifier, RequiredText

Reference = Annotated[str, Field(max_length=140, pattern=r"^[A-Za-z0-9/\-?:().,'+ ]*$")]


class StatementImported(BaseModel):
    """What an import did. ``already_recorded``: lines stored before (the same file, an
    overlapping one, or a camt.054 notification of a booked entry), left as they were."""

    statements: int
    lines: int
    credits: int
    recorded: int
    already_recorded: int
    not_booked: int = Field(description="pending or information-only entries: no money yet")
    debits: int
    matched: int
    unidentified: int
    by_rule: dict[str, int]
    returns: int
    reversed: int
    returns_not_found: list[str]
    receipts: list[str] = Field(description="ids of the receipts this import recorded")


class ReceiptSplitPublic(BaseModel):
    account: str
    amount: Money
    payment_id: str


class ReceiptPublic(BaseModel):
    receipt_id: str
    status: str = Field(description="recorded, matched, unidentified, returned or reversed")
    booked_on: date
    value_on: date
    amount: Money
    currency: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    bank_reference: str
    end_to_end_id: str
    statement_id: str
    statement_format: str
    rule: str | None = Field(description="the rule that matched it (manual: a person)")
    evidence: dict[str, str] = Field(description="what each rule found, or why it did not")
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    age_days: int = Field(description="days since its value date, as of today")
    splits: list[ReceiptSplitPublic]


class Receipts(BaseModel):
    items: list[ReceiptPublic]
    next_after: str | None = Field(description="pass as `after` for the next page")


class AllocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_id: Identifier
    amount: Amount


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: Identifier
    amount: Amount
    allocations: list[AllocationIn] = Field(default=[], max_length=200)


class ReceiptMatchIn(BaseModel):
    """A person's match: the accounts (and invoices) the receipt pays, adding up to it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "splits": [{"account": "ACC-00001", "amount": "750.00",
                    "allocations": [{"invoice_id": "INV-2026-0042", "amount": "750.00"}]}],
        "reason": "remittance advice e-mailed by the customer"}]})
    splits: list[SplitIn] = Field(min_length=1, max_length=50)
    reason: RequiredText


class ReceiptReturnIn(BaseModel):
    """The money sent back to the payer: why, and the bank's reference of the refund."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "reason": "not our customer", "refund_reference": "REFUND-2026-0007"}]})
    reason: RequiredText
    refund_reference: Reference = ""


class RuleFiguresPublic(BaseModel):
    count: int
    amount: dict[str, Money]


class CashApplicationReportPublic(BaseModel):
    day: date
    receipts: int
    matched_automatically: int
    share_by_count: Ratio = Field(description="matched automatically / receipts")
    share_by_amount: dict[str, Ratio] = Field(description="per currency, by amount")
    by_rule: dict[str, RuleFiguresPublic]
    by_status: dict[str, int]
    unidentified_by_age: dict[str, dict[str, Money]] = Field(
        description="age band in days since value date -> currency -> amount")
    unidentified_total: dict[str, Money]
    oldest_unidentified_days: int | None
