"""Finding an account from what a customer says: number, name, invoice, payment reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CallerDep, ReadModelsDep
from api.permissions import AGENT, READERS_OF_ACCOUNTS, check_read
from api.read_params import Fresh
from api.schemas.search import SearchHit, SearchResults
from ledger.projections.search import MAX_HITS, MAX_QUERY

router = APIRouter(prefix="/search", tags=["accounts"], dependencies=[Fresh],
                   responses={401: {}, 403: {}, 422: {}, 503: {}})


@router.get("", response_model=SearchResults, operation_id="Search")
def search(
    models: ReadModelsDep,
    caller: CallerDep,
    q: Annotated[str, Query(max_length=MAX_QUERY, description=(
        "an account number or name, an invoice number or reference, a payment id or bank "
        "reference; case-insensitive, a prefix or (names, references) any part"))],
    limit: Annotated[int, Query(ge=1, le=MAX_HITS)] = 20,
) -> SearchResults:
    """Accounts matching q, best first; agents find only their own."""
    check_read(caller, READERS_OF_ACCOUNTS)
    agent = caller.actor_id if caller.role == AGENT else None
    hits = models.search(q, limit, agent=agent)
    return SearchResults(query=q, hits=[SearchHit.model_validate(h) for h in hits])


ROUTERS = [router]
