"""API keys as the admin sees them: a new key is shown once; listings never show one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["agent", "manager", "auditor", "compliance", "service", "admin"]


class KeyCreate(BaseModel):
    """``actor_id`` is who the key speaks for: for an agent, the id accounts are assigned to."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"role": "agent", "actor_id": "agent-7"},
    ]})

    role: Role
    actor_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@/\-]+$")


class KeyCreated(BaseModel):
    """The only response that carries the key itself."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "key_id": "3f9a0c21", "key": "clk_3f9a0c21_Xb1...", "role": "agent",
        "actor_id": "agent-7",
    }]})

    key_id: str
    key: str
    role: Role
    actor_id: str


class KeyPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "key_id": "3f9a0c21", "role": "agent", "actor_id": "agent-7",
        "created_at": "2026-04-01T08:12:00Z", "revoked_at": None,
    }]})

    key_id: str
    role: Role
    actor_id: str
    created_at: datetime
    revoked_at: datetime | None

    @field_validator("created_at", "revoked_at")
    @classmethod
    def in_utc(cls, moment: datetime | None) -> datetime | None:
        """Keys are stamped in UTC, but SQLite hands the time back without its offset."""
        if moment is not None and moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment
