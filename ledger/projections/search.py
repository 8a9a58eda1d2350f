"""Finding an account from what a customer says on the phone.

A caller gives an account number, their company's name, an invoice number, or the
reference of a payment they made (the bank's, or ours): any of them should lead to the
account. One query per kind of thing, each matched case-insensitively on a prefix of its
identifier and anywhere in its name or reference, ranked exact, then prefix, then
anywhere, so typing a whole number puts that account first. Wildcards typed by the
caller are matched literally. Over the open-items tables as given, so a caller that
narrows them (`exclusions`) leaves quarantined accounts out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select

from ledger.aggregates.errors import InvalidCommand
from ledger.projections.projection import Tables

MAX_HITS = 100
MAX_QUERY = 100
KINDS = ("account", "name", "invoice", "payment")
"""What a hit matched, in the order hits of equal rank are shown."""


@dataclass(frozen=True)
class SearchHit:
    number: str
    name: str
    matched: str
    value: str
    """What matched: the account number, the name, the invoice's or payment's id or
    reference."""
    rank: int
    """0 exact, 1 prefix, 2 anywhere."""


def search(
    session: Any, open_items_tables: Tables, query: str, limit: int = 20,
    *, agent: str | None = None,
) -> list[SearchHit]:
    """Accounts matching ``query``, each once by its best match, best first, at most
    ``limit``; ``agent``: only the accounts currently assigned to that agent."""
    if not 1 <= limit <= MAX_HITS:
        raise InvalidCommand(f"a search returns 1 to {MAX_HITS} hits, not {limit}")
    wanted = query.strip().lower()[:MAX_QUERY]
    if not wanted:
        return []
    t, a = open_items_tables, open_items_tables["accounts"]
    sources = (
        ("account", a, a.c.number, None),
        ("name", a, a.c.name, None),
        ("invoice", t["invoices"], t["invoices"].c.invoice_id, t["invoices"].c.reference),
        ("payment", t["payments"], t["payments"].c.payment_id, t["payments"].c.reference),
    )
    hits: dict[str, SearchHit] = {}
    for kind, table, identifier, reference in sources:
        anywhere = kind == "name"
        for column in (identifier, reference):
            if column is None:
                continue
            for r in session.execute(
                _matching(a, table, column, wanted, anywhere or column is reference, agent)
                .limit(limit)
            ):
                hit = SearchHit(r.number, r.name, kind, r.value, r.rank)
                if hit.number not in hits or _order(hit) < _order(hits[hit.number]):
                    hits[hit.number] = hit
    return sorted(hits.values(), key=_order)[:limit]


def _matching(
    a: Any, table: Any, column: Any, wanted: str, anywhere: bool, agent: str | None
) -> Any:
    lowered = func.lower(column)
    prefix = _escaped(wanted) + "%"
    pattern = ("%" + prefix) if anywhere else prefix
    rank: ColumnElement[int] = case(
        (lowered == literal(wanted), 0), (lowered.like(prefix, escape="\\"), 1), else_=2)
    query = select(a.c.number, a.c.name, column.label("value"), rank.label("rank"))
    if table is not a:
        query = query.select_from(table.join(a, a.c.account_id == table.c.account_id))
    query = query.where(lowered.like(pattern, escape="\\"))
    if agent is not None:
        query = query.where(a.c.agent_id == agent)
    return query.order_by(rank, column, a.c.number)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order(hit: SearchHit) -> tuple[int, int, str, str]:
    return (hit.rank, KINDS.index(hit.matched), hit.number, hit.value)
