"""The search page, reached from the layout's search box on every page: the accounts a
customer on the phone could mean, by number, name, invoice or payment reference.

The same read and the same rule as GET /search: readers of accounts, agents find only
their own accounts.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import ReadModelsDep
from api.permissions import AGENT
from api.workspace.deps import SearchViewer, page_router
from api.workspace.templating import templates
from ledger.projections.search import MAX_QUERY

router = page_router()
MATCHED = {"account": "account number", "name": "name", "invoice": "invoice",
           "payment": "payment"}


@router.get("/search")
def search(request: Request, caller: SearchViewer, models: ReadModelsDep,
           q: str = "") -> HTMLResponse:
    """Search results for q."""
    query = q[:MAX_QUERY]
    agent = caller.actor_id if caller.role == AGENT else None
    hits = models.search(query, 50, agent=agent) if query.strip() else []
    return templates.TemplateResponse(request, "search.html", {
        "query": query, "hits": hits, "matched": MATCHED, "own_only": agent is not None})


ROUTERS = (router,)
