"""Issue 13's speed target: each workspace page's server time beside the API calls it reads
as, on the restored portfolio, through the API server the bench already runs.

A page is asked with the session cookie of a real sign-in (``POST /app/sign-in`` with a
bench key and the sign-in form's CSRF token); its API calls with the same key in the
``X-API-Key`` header. Server time is the HTTP round trip on loopback, response read in
full, one client asking in sequence (a person waiting for a page), the first request a
warm-up. The pages and their calls (the reads behind each page, `api/workspace/routers/`):

- dashboard: ``/aging`` by portfolio and by agent, ``/kpis/trend``, ``/kpis`` (30 days),
  as of today; then as of past dates known at a later time, each request its own pair;
- worklist of the agent with the most accounts: ``/worklists/{agent}?preview=true``
  (nothing is handed out in a restored portfolio, so the page ranks as a preview does);
- account HEAVY-01000 and an ordinary account: ``/accounts/{n}``, ``/aging?account=n``
  and every page of ``/accounts/{n}/history`` (the page's timeline shows all of it);
- approvals: ``/approvals``; audit (as an auditor, GET only): ``/audit/checkpoints``;
- search for an account number prefix and for a name fragment: ``/search``.

Target: p99 <= 500 ms a page (the dashboard with a known_at: 2 s). The ratio is the API
calls' median over the page's (above 1 the page is faster than its calls).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import http_load
from bench.http_load import Call, Load, percentile
from bench.measurements import close
from bench.read_targets import Reads, failed, past
from bench.target_rows import Row, ms
from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.projections.read_models import ReadModels

TARGET = "13"
PAGE_LIMIT, KNOWN_AT_LIMIT = 0.500, 2.0
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SESSION_COOKIE = "colledger_session"


@dataclass(frozen=True)
class Pair:
    """A page and the API calls it corresponds to, one list of paths per request."""

    what: str
    pages: list[str]
    calls: list[list[str]]
    role: str = "manager"
    limit: float = PAGE_LIMIT


def page_targets(r: Reads, repeat: int) -> list[Row]:
    """Issue 13's speed target, one row per page."""
    ledger = bootstrap(Settings(database_url=r.database_url))
    try:
        _, auditor_key = ledger.keys.create("auditor", "auditor-bench")
    finally:
        close(ledger.app)
    keys = {"manager": r.api.headers["X-API-Key"], "auditor": auditor_key}
    return [_row(r, pair, keys[pair.role]) for pair in pairs(r, repeat)]


def pairs(r: Reads, repeat: int) -> list[Pair]:
    today = r.models.clock().date()
    agent, assigned = busiest_agent(r.models)
    number, name = ordinary_account(r.models)
    rng = random.Random(13)
    dated = [past(rng, r.end) for _ in range(repeat + 1)]
    fragment = name.split()[0][1:5].lower()
    heavy = "HEAVY-01000"
    return [
        Pair("dashboard, today", [f"/app/dashboard?as_of={today}"] * (repeat + 1),
             [dashboard_calls(today, None)] * (repeat + 1)),
        Pair("dashboard, as of a past date as known at a later time",
             [f"/app/dashboard?as_of={d}&known_at={k}" for d, k in dated],
             [dashboard_calls(d, k) for d, k in dated], limit=KNOWN_AT_LIMIT),
        Pair(f"worklist of {agent} ({assigned:,} accounts)",
             [f"/app/worklist?agent={agent}"] * (repeat + 1),
             [[f"/worklists/{agent}?preview=true"]] * (repeat + 1)),
        *(Pair(f"account {n}", [f"/app/accounts/{n}"] * (repeat + 1),
               [[f"/accounts/{n}", f"/aging?by=account&account={n}",
                 f"/accounts/{n}/history?limit=1000"]] * (repeat + 1))
          for n in (heavy, number)),
        Pair("approvals", ["/app/approvals"] * (repeat + 1), [["/approvals"]] * (repeat + 1)),
        Pair("audit (GET)", ["/app/audit"] * (repeat + 1), [["/audit/checkpoints"]] * (repeat + 1),
             role="auditor"),
        *(Pair(f"search {q!r} ({kind})", [f"/app/search?q={q}"] * (repeat + 1),
               [[f"/search?q={q}&limit=50"]] * (repeat + 1))
          for q, kind in ((number[:-1], "account number prefix"), (fragment, "name fragment"))),
    ]


def dashboard_calls(as_of: date, known_at: str | None) -> list[str]:
    at = f"&known_at={known_at}" if known_at else ""
    start = as_of - timedelta(days=29)
    return [f"/aging?by=portfolio&as_of={as_of}{at}", f"/aging?by=agent&as_of={as_of}{at}",
            f"/kpis/trend?months=12&to={as_of}{at}", f"/kpis?from={start}&to={as_of}{at}"]


def busiest_agent(models: ReadModels) -> tuple[str, int]:
    """The agent with the most accounts assigned, and how many."""
    a = models.tables("open_items")["accounts"]
    count = func.count().label("accounts")
    row = models.read(lambda s: s.execute(
        select(a.c.agent_id, count).where(a.c.agent_id.is_not(None)).group_by(a.c.agent_id)
        .order_by(count.desc(), a.c.agent_id).limit(1)).one())
    return str(row[0]), int(row[1])


def ordinary_account(models: ReadModels) -> tuple[str, str]:
    """A demo account from the middle of the portfolio: its number and name."""
    a = models.tables("open_items")["accounts"]

    def middle(session: Any) -> tuple[str, str]:
        numbers = select(a.c.number).where(a.c.number.like("ACC-%"))
        total = session.execute(select(func.count()).select_from(numbers.subquery())).scalar()
        row = session.execute(select(a.c.number, a.c.name).where(a.c.number.like("ACC-%"))
                              .order_by(a.c.number).offset(total // 2).limit(1)).one()
        return str(row[0]), str(row[1])

    return models.read(middle)


def _row(r: Reads, pair: Pair, key: str) -> Row:
    page = http_load.run([http_get_all([p]) for p in pair.pages],
                         lambda: signed_in(r.api.base_url, key), 1, r.budget)
    api = http_load.run([http_get_all(c) for c in pair.calls],
                        http_load.http_clients(r.api.base_url, {"X-API-Key": key}), 1, r.budget)
    failed(page, f"page {pair.what}", r.say)
    failed(api, f"API calls of {pair.what}", r.say)
    r.say(f"{r.size}: page {pair.what}: {spread(page)}; API calls {spread(api)}")
    calls = " + ".join(sorted({p.split("?")[0] for c in pair.calls for p in c}))
    ratio = api.median / page.median if page.seconds and api.seconds else None
    return Row(TARGET, f"page: {pair.what}", r.size, spread(page), f"API {spread(api)}",
               ratio, f"p99 <= {ms(pair.limit)}",
               page.p99 <= pair.limit and not page.failures and not api.failures,
               f"{pair.pages[-1]} against {calls}; {len(page.seconds)} page requests, "
               f"{len(api.seconds)} rounds of API calls, one client each, as a {pair.role}")


def spread(load: Load) -> str:
    return (f"median {ms(load.median)}, p95 {ms(percentile(load.seconds, 95))}, "
            f"p99 {ms(load.p99)}")


def http_get_all(paths: list[str]) -> Call:
    """One request per path in turn, following a history's pages to the end."""

    def call(client: httpx.Client) -> None:
        for path in paths:
            url: str | None = path
            while url:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url}: {response.status_code} "
                                       f"{response.text[:300]}")
                url = next_page(path, response)

    return call


def next_page(path: str, response: httpx.Response) -> str | None:
    if "/history" not in path:
        return None
    cursor = response.json().get("next_cursor")
    return f"{path}&after_version={cursor}" if cursor is not None else None


def signed_in(base_url: str, key: str) -> httpx.Client:
    """A client holding a workspace session: the sign-in form's token, then the key."""
    client = httpx.Client(base_url=base_url, timeout=120)
    form = client.get("/app/sign-in")
    token = TOKEN.search(form.text)
    if token is None:
        raise RuntimeError(f"no CSRF token in the sign-in form ({form.status_code})")
    done = client.post("/app/sign-in", data={"api_key": key, "csrf_token": token.group(1),
                                             "next": ""})
    if done.status_code != 303 or SESSION_COOKIE not in client.cookies:
        raise RuntimeError(f"sign-in refused: {done.status_code} {done.text[:300]}")
    return client

