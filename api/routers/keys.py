"""API-key administration: the admin role's only business."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from api.deps import CallerDep
from api.keys import KeyStore
from api.permissions import ADMIN, forbid
from api.schemas.keys import KeyCreate, KeyCreated, KeyPublic


def admin_keys(request: Request, caller: CallerDep) -> KeyStore:
    """The key store, for an admin caller only."""
    if caller.role != ADMIN:
        raise forbid(caller, "manage API keys")
    keys: KeyStore = request.app.state.keys
    return keys


AdminKeysDep = Annotated[KeyStore, Depends(admin_keys)]
router = APIRouter(prefix="/keys", tags=["keys"], responses={401: {}, 403: {}})


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated,
             operation_id="CreateApiKey", responses={422: {}})
def create_key(body: KeyCreate, keys: AdminKeysDep) -> KeyCreated:
    """Create a key; this response is the only time the key is shown."""
    key_id, key = keys.create(body.role, body.actor_id)
    return KeyCreated(key_id=key_id, key=key, role=body.role, actor_id=body.actor_id)


@router.get("", response_model=list[KeyPublic], operation_id="ListApiKeys")
def list_keys(keys: AdminKeysDep) -> list[KeyPublic]:
    """Every key ever made, revoked ones included, without secrets."""
    return [KeyPublic(**row) for row in keys.listing()]


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
               operation_id="RevokeApiKey", responses={404: {}})
def revoke_key(key_id: str, keys: AdminKeysDep) -> Response:
    """Revoke a key: it stops working at once and stays listed for the audit trail."""
    if not keys.revoke(key_id):
        raise HTTPException(404, f"no active API key {key_id!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


ROUTERS = [router]
