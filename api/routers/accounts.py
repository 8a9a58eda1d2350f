"""Read an account: state as of a date, and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ServiceDep

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("")
def list_accounts(service: ServiceDep) -> list[str]:
    """All account numbers."""
    return service.account_numbers()


@router.get("/{number}")
def get_account(
    number: str,
    service: ServiceDep,
    as_of: Annotated[date | None, Query(description="business date")] = None,
    known_at: Annotated[datetime | None, Query(description="recorded time (UTC)")] = None,
) -> dict[str, Any]:
    """The account as of a business date, as known at a recorded time."""
    return service.account_as_of(number, as_of, known_at)


@router.get("/{number}/history")
def get_history(number: str, service: ServiceDep) -> list[dict[str, Any]]:
    """Every event of the account with its envelope and hash."""
    return list(service.history(number))

ROUTERS = [router]
