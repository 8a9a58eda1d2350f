"""What the disputes' root-cause report returns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from api.schemas.money import Money


class DisputeReasonRow(BaseModel):
    reason_code: str
    opened: int = Field(description="disputes opened in the period")
    amounts: dict[str, Money] = Field(description="their disputed amount, by currency")
    resolved: int = Field(description="disputes resolved in the period")
    median_cycle_days: Decimal | None = Field(
        description="median days from opened to resolved, of those resolved in the period")
    upheld_percent: Decimal | None = Field(
        description="upheld ÷ resolved in the period × 100; null when none was resolved")


class DisputeReport(BaseModel):
    """Per reason code (the dispute's code now), alphabetically."""

    start: date
    end: date
    reasons: list[DisputeReasonRow]
