"""What a statement of account read returns: one statement per currency."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.money import Money

FROM_RESULTS = ConfigDict(from_attributes=True)


class StatementLine(BaseModel):
    model_config = FROM_RESULTS

    on_date: date
    kind: str
    document_id: str
    invoice_id: str | None
    description: str
    debit: Money
    credit: Money
    balance: Money = Field(description="running balance after this line")


class Statement(BaseModel):
    """``closing_balance = opening_balance + total_debits − total_credits``."""

    model_config = FROM_RESULTS

    account_number: str
    account_id: str
    name: str
    currency: str
    start: date
    end: date
    known_at: datetime | None
    opening_balance: Money
    lines: list[StatementLine]
    total_debits: Money
    total_credits: Money
    closing_balance: Money
    aging: dict[str, Money] = Field(description="outstanding per aging bucket at the end")
    disputed: Money
    unapplied_credit: Money
    outstanding: Money


class Statements(BaseModel):
    account: str
    start: date
    end: date
    known_at: datetime | None
    statements: list[Statement] = Field(description="one per currency, by currency")
