"""API keys as the admin sees them: a new key is shown once; listings never show one.

Listings say who granted and who revoked each key, and the grants history lists
every issue and revocation as the ledger recorded it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.utc_times import UtcTime

Role = Literal["agent", "manager", "auditor", "compliance", "service", "admin", "cashier"]


class KeyCreate(BaseModel):
    """``actor_id`` is who the key speaks for: for an agent, the id accounts are assigned to.
    An actor id keeps the role of its first key: a key of another role for it is refused
    (409 ``actor-bound-to-role``)."""

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


class Grantor(BaseModel):
    """Who granted or revoked a key: an admin's actor id, or ``cli:USER`` with role
    ``console`` for the server's terminal."""

    actor_id: str
    role: str


class KeyPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "key_id": "3f9a0c21", "role": "agent", "actor_id": "agent-7",
        "created_at": "2026-04-01T08:12:00Z", "revoked_at": None,
        "granted_by": {"actor_id": "admin-1", "role": "admin"}, "revoked_by": None,
    }]})

    key_id: str
    role: Role
    actor_id: str
    created_at: UtcTime
    revoked_at: UtcTime | None
    granted_by: Grantor | None = Field(
        description="null only for keys made before grants were recorded")
    revoked_by: Grantor | None


class GrantPublic(BaseModel):
    """One entry of the access-grants history (``ApiKeyIssued`` or ``ApiKeyRevoked``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "event": "ApiKeyIssued", "key_id": "3f9a0c21", "holder_id": "agent-7",
        "holder_role": "agent", "by_actor_id": "admin-1", "by_role": "admin",
        "recorded_at": "2026-04-01T08:12:00.000000Z", "correlation_id": "b1c4...",
        "digest": "9f2c...",
    }]})

    event: Literal["ApiKeyIssued", "ApiKeyRevoked"]
    key_id: str
    holder_id: str = Field(description="the actor id the key speaks for")
    holder_role: Role
    by_actor_id: str = Field(description="who granted or revoked it")
    by_role: str
    recorded_at: str
    correlation_id: str
    digest: str = Field(description="SHA-256 chaining this entry to the next")
