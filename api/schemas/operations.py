"""What the operations endpoints return."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    position: int = Field(description="the event store's last position")
    lag: int = Field(description="events the slowest read model is behind")
    max_lag: int = Field(description="the most lag at which this instance is ready")
