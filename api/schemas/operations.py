"""What the operations endpoints return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class QuarantineSummary(BaseModel):
    """What ``/readyz`` says about a projection's quarantines: no account, no key needed."""

    projection: str
    accounts: int = Field(description="accounts it has quarantined")
    first_position: int = Field(description="the lowest log position it could not apply")


class Readiness(BaseModel):
    status: str = Field(examples=["ready"], description=(
        "ready, or degraded: serving, but some accounts are quarantined in the read models "
        "and left out of every read (GET /operations/status names them)"))
    position: int = Field(description="the event store's last position")
    lag: int = Field(description="events the slowest read model is behind")
    max_lag: int = Field(description="the most lag at which this instance is ready")
    quarantined: list[QuarantineSummary] | None = Field(
        default=None, description="when degraded: each projection's quarantined accounts")


class ProjectionStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    position: int = Field(description="the last log position it applied")
    lag: int = Field(description="events logged that it has not applied yet")
    quarantined_accounts: int


class QuarantineOut(BaseModel):
    """An account a projection could not apply an event of, and leaves out since."""

    model_config = ConfigDict(from_attributes=True)

    projection: str
    account: str | None = Field(validation_alias="account_number",
                                description="its number, when it could be found")
    account_id: str
    position: int = Field(description="log position of the first event it could not apply")
    version: int = Field(description="that event's version in the account's stream")
    event_type: str
    error_class: str
    error: str = Field(description="the error's first line, truncated")
    recorded_at: datetime
    skipped: int = Field(description="that event and the account's later ones, left out")


class ReadSideStatusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    head: int = Field(description="the event store's last position")
    degraded: bool
    projections: list[ProjectionStateOut]
    quarantines: list[QuarantineOut]


class AccountRebuiltOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    projection: str
    events: int = Field(description="the account's events re-applied")
    was_quarantined: bool
    lifted: bool
    still: QuarantineOut | None = Field(description="the quarantine, if an event still fails")


class AccountRebuildOut(BaseModel):
    account: str
    projections: list[AccountRebuiltOut]
