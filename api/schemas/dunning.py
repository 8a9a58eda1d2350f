"""What the dunning dry run and the policies in force return."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class DunningNoticePlanned(BaseModel):
    level: str = Field(description="the highest level reached: the notice's")
    channel: str
    template: str
    invoices: list[dict[str, str | int]] = Field(
        description="each invoice due a reminder: its level, channel, template, currency and "
                    "undisputed amount (a decimal string)")


class DunningPlanned(BaseModel):
    account: str
    segment: str
    day: date
    policy_version: int = Field(description="the dunning policy version in force on the day")
    held: str | None = Field(description="why nothing goes: paused, cease_communication, "
                                         "agency_placement, legal_referral, quiet_period")
    notice: DunningNoticePlanned | None
    actions: list[dict[str, str]] = Field(description="credit_hold or agency_proposal, per "
                                                      "invoice")


class DunningDryRun(BaseModel):
    day: date
    segment: str | None
    items: list[DunningPlanned]


class PoliciesPublic(BaseModel):
    day: date
    dunning: dict[str, Any] = Field(description="the version in force (number, effective date, "
                                                "segments) and every recorded version")
    four_eyes: dict[str, Any]
    contact: dict[str, Any]
    worklist_weights: dict[str, Any]
    approval_expiry_days: int
    dispute_reason_codes: list[str]
