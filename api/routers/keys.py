"""API-key administration: the admin role's only business, and on the record.

Each key issued or revoked is recorded as a grant naming the admin who did it
(``GET /keys/grants``, which auditors and compliance may read too). An actor id
keeps the role of its first key, so an admin cannot mint a key that acts as an
existing person in another role (409 ``actor-bound-to-role``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from api.deps import CallerDep, CorrelationDep
from api.keys import Caller, KeyStore
from api.permissions import ADMIN, AUDITOR, COMPLIANCE, forbid
from api.schemas.keys import GrantPublic, KeyCreate, KeyCreated, KeyPublic
from ledger.commands.base import Actor

GRANT_READERS = frozenset({ADMIN, AUDITOR, COMPLIANCE})


def admin_keys(request: Request, caller: CallerDep) -> KeyStore:
    """The key store, for an admin caller only."""
    if caller.role != ADMIN:
        raise forbid(caller, "manage API keys")
    keys: KeyStore = request.app.state.keys
    return keys


AdminKeysDep = Annotated[KeyStore, Depends(admin_keys)]
router = APIRouter(prefix="/keys", tags=["keys"], responses={401: {}, 403: {}})


def actor(caller: Caller) -> Actor:
    return Actor(caller.actor_id, caller.role)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated,
             operation_id="CreateApiKey", responses={409: {}, 422: {}})
def create_key(
    body: KeyCreate, keys: AdminKeysDep, caller: CallerDep, correlation: CorrelationDep
) -> KeyCreated:
    """Create a key; this response is the only time the key is shown."""
    key_id, key = keys.create(body.role, body.actor_id, by=actor(caller),
                              correlation_id=correlation)
    return KeyCreated(key_id=key_id, key=key, role=body.role, actor_id=body.actor_id)


@router.get("", response_model=list[KeyPublic], operation_id="ListApiKeys")
def list_keys(keys: AdminKeysDep) -> list[KeyPublic]:
    """Every key ever made, revoked ones included, with who granted it, without secrets."""
    return [KeyPublic(**row) for row in keys.listing()]


@router.get("/grants", response_model=list[GrantPublic], operation_id="ListApiKeyGrants")
def list_grants(request: Request, caller: CallerDep) -> list[GrantPublic]:
    """Who gave whom which access, when: every key issued and revoked, oldest first."""
    if caller.role not in GRANT_READERS:
        raise forbid(caller, "read the access grants")
    keys: KeyStore = request.app.state.keys
    return [GrantPublic.model_validate(grant) for grant in keys.history()]


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
               operation_id="RevokeApiKey", responses={404: {}})
def revoke_key(
    key_id: str, keys: AdminKeysDep, caller: CallerDep, correlation: CorrelationDep
) -> Response:
    """Revoke a key: it stops working at once and stays listed for the audit trail."""
    if not keys.revoke(key_id, by=actor(caller), correlation_id=correlation):
        raise HTTPException(404, f"no active API key {key_id!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


ROUTERS = [router]
