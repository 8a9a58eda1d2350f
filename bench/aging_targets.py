"""Target 1: aging over HTTP, 8 clients at once, beside a CRUD table asked in plain SQL.

Every request goes to a real uvicorn server (`bench.api_server`) over loopback and is
timed by the client, response read in full; each client asks its own question (as of
today by portfolio, currency and agent; past dates as known at later times, every
request its own pair; by account). The baseline is `bench.crud_baseline` asked by as
many psycopg2 clients, and a note gives the ledger's own aging SQL replayed the same way,
so the difference from the HTTP figure is the API's share. Ratios compare medians (the
typical request); targets judge the p99.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine

from bench import crud_baseline, http_load, plans
from bench.api_server import Api
from bench.http_load import Load, http_clients, http_get
from bench.read_targets import Reads, failed, past
from bench.target_rows import NOT_AVAILABLE, Row, ms

CLIENTS = 8
AGING_TODAY_P99, AGING_PAST_P99, AGING_PAGE_P99, HALF = 0.150, 0.500, 0.150, 0.5
PAGE_ROWS = 100
CAPTURED = 16  # past dates whose SQL is captured for replaying alone


def aging_targets(r: Reads) -> tuple[list[Row], dict[str, tuple[Load, Load]]]:
    """Rows for target 1, and each measurement's loads (ledger, CRUD) by name, for the
    growth target."""
    rows, loads = [], {}
    engine = create_engine(r.database_url)
    with engine.begin() as connection:
        open_invoices = crud_baseline.build(connection)
    r.say(f"{r.size}: CRUD baseline table holds {open_invoices:,} open invoices")
    today = datetime.now(UTC).date()
    rng = random.Random(12)
    for by in ("portfolio", "currency", "agent"):
        paths = [f"/aging?by={by}"] * r.requests
        sql = [crud_baseline.aging_sql(by, today)] * r.requests
        name = f"aging by {by}, as of today"
        load, base = _against(r, engine, paths, sql, name)
        alone = _ledger_sql(r, engine, [(today, None)], by)
        rows.append(_row("1a", name, r, load, base, AGING_TODAY_P99, _alone(alone)))
        loads[name] = (load, base)
    for by in ("portfolio", "currency", "agent"):
        asked = [past(rng, r.end) for _ in range(r.requests)]
        paths = [f"/aging?by={by}&as_of={d}&known_at={k}" for d, k in asked]
        sql = [crud_baseline.aging_sql(by, d) for d, _ in asked]
        name = f"aging by {by}, past dates, known_at"
        load, base = _against(r, engine, paths, sql, name)
        alone = _ledger_sql(r, engine, [(d, _instant(k)) for d, k in asked[:CAPTURED]], by)
        rows.append(_row("1b", name, r, load, base, AGING_PAST_P99, _alone(alone)))
        loads[name] = (load, base)
    rows += _by_account(r, engine, loads)
    engine.dispose()
    _check_same_question(r, open_invoices)
    return rows, loads


def _by_account(r: Reads, engine: Any, loads: dict[str, tuple[Load, Load]]) -> list[Row]:
    today = datetime.now(UTC).date()
    count = max(r.requests // 5, CLIENTS * 2)  # a whole portfolio's rows each: fewer
    name = "aging by account, unpaged"
    paths = ["/aging?by=account"] * count
    sql = [crud_baseline.aging_sql("account", today)] * count
    load, base = _against(r, engine, paths, sql, name)
    loads[name] = (load, base)
    rows = [_row("1c", name, r, load, base, None, note="every account in one response")]
    if not _aging_pages(r.api):
        return [*rows, Row("1c", f"aging by account, paged ({PAGE_ROWS} rows)", r.size,
                           NOT_AVAILABLE, "", None, f"p99 <= {ms(AGING_PAGE_P99)}", None,
                           "GET /aging has no limit and cursor parameters yet")]
    cursors = _page_cursors(r, r.requests)
    asked = [cursors[n % len(cursors)] for n in range(r.requests)]
    paths = [f"/aging?by=account&limit={PAGE_ROWS}" + (f"&cursor={quote(c)}" if c else "")
             for c in asked]
    sql = [crud_baseline.aging_sql("account", today, limit=PAGE_ROWS, after=c) for c in asked]
    name = f"aging by account, paged ({PAGE_ROWS} rows)"
    load, base = _against(r, engine, paths, sql, name)
    loads[name] = (load, base)
    note = (f"{len(cursors)} different pages (walked once beforehand, untimed), "
            "asked in turn; baseline: the CRUD query by account from the same cursor")
    return [*rows, _row("1c", name, r, load, base, AGING_PAGE_P99, note)]


def _aging_pages(api: Api) -> bool:
    """Whether GET /aging pages by account (``limit`` and ``cursor``)."""
    spec = httpx.get(f"{api.base_url}/openapi.json", timeout=60).json()
    names = {p["name"] for p in spec["paths"]["/aging"]["get"].get("parameters", [])}
    return {"limit", "cursor"} <= names


def _page_cursors(r: Reads, most: int) -> list[str | None]:
    """The cursors of the first ``most`` pages as of today (None: the first page)."""
    cursors: list[str | None] = [None]
    with httpx.Client(base_url=r.api.base_url, headers=r.api.headers, timeout=120) as client:
        while len(cursors) < most:
            params = {"by": "account", "limit": PAGE_ROWS}
            if cursors[-1] is not None:
                params["cursor"] = cursors[-1]
            following = client.get("/aging", params=params).json().get("next_cursor")
            if following is None:
                break
            cursors.append(following)
    return cursors


def _ledger_sql(r: Reads, engine: Any, asked: list[tuple[date, datetime | None]], by: str
                ) -> Load:
    """The statements the ledger's aging sends for these dates, replayed over psycopg2 by
    as many clients as many times as the API was asked: the SQL's share of the figure."""
    calls = []
    for as_of, known_at in asked:
        statements, _ = plans.aging_statements(r.models, as_of, known_at, by)
        calls.append(_statements_call(statements))
    return http_load.run([calls[n % len(calls)] for n in range(r.requests)],
                         engine.raw_connection, CLIENTS, r.budget)


WITHOUT_JIT = "SET LOCAL jit = off"
"""As `ReadModels.read` begins every read transaction on PostgreSQL."""


def _statements_call(statements: list[tuple[str, Any]]) -> http_load.Call:
    def call(connection: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(WITHOUT_JIT)
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        cursor.close()
        connection.rollback()

    return call


def _alone(load: Load) -> str:
    return (f"the ledger's own aging SQL alone, replayed over psycopg2 by {CLIENTS} clients: "
            f"{load.summary()} (the rest is HTTP, the API and JSON)")


def _instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _against(r: Reads, engine: Any, paths: list[str], sql: list[str], name: str
             ) -> tuple[Load, Load]:
    load = http_load.run([http_get(p) for p in paths], http_clients(r.api.base_url,
                         r.api.headers), CLIENTS, r.budget)
    base = http_load.run([crud_baseline.sql_call(s) for s in sql], engine.raw_connection,
                         CLIENTS, r.budget)
    failed(load, name, r.say)
    r.say(f"{r.size}: {name}: {load.summary()} ({len(load.seconds)} requests, "
          f"{CLIENTS} clients); CRUD SQL {base.summary()}")
    return load, base


def _row(target: str, name: str, r: Reads, load: Load, base: Load, p99: float | None,
         note: str = "") -> Row:
    ratio = base.median / load.median if load.seconds else None
    figure = f"p99 {ms(load.p99)}, median {ms(load.median)}"
    baseline = f"CRUD SQL p99 {ms(base.p99)}, median {ms(base.median)}"
    if p99 is None:
        return Row(target, name, r.size, figure, baseline, ratio, f"ratio >= {HALF}",
                   ratio is not None and ratio >= HALF, note)
    met = load.p99 <= p99 and ratio is not None and ratio >= HALF and not load.failures
    return Row(target, name, r.size, figure, baseline, ratio,
               f"p99 <= {ms(p99)}, ratio >= {HALF}", met, note)


def _check_same_question(r: Reads, open_invoices: int) -> None:
    """The ledger's aging counts the invoices the CRUD table holds (a wrong baseline would
    make every ratio meaningless)."""
    answer = httpx.get(f"{r.api.base_url}/aging?by=portfolio", headers=r.api.headers,
                       timeout=120).json()
    counted = sum(row["invoices"] for row in answer["rows"])
    if counted != open_invoices:
        r.say(f"warning: the ledger's aging counts {counted:,} owing invoices, the CRUD "
              f"table {open_invoices:,}")
