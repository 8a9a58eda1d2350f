"""Targets 2 and 7: one account as of a date, and KPIs (a month, a 12-month trend), asked
of the API over HTTP.

Every request goes to a real uvicorn server (`bench.api_server`) over loopback and is
timed by the client, response read in full, one client at a time (the latency of a page
a person waits for). Baselines from the same database in the same run: reading and
decoding the account's own events; the month's billing and collections summed in one
SQL statement. Ratios compare medians; targets judge the p99.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import create_engine

from bench import crud_baseline, http_load
from bench.api_server import Api
from bench.http_load import Load, http_clients, http_get
from bench.measurements import close
from bench.target_rows import Row, ms
from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.aggregates import account_id_for
from ledger.projections.read_models import ReadModels

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Reads:
    """What the read targets need; ``models`` is an in-process view of the same database,
    for capturing the SQL the API's aging sends."""

    api: Api
    database_url: str
    size: str
    end: date  # the portfolio's last business day
    heavy: dict[str, int]
    requests: int  # per aging measurement
    budget: float  # seconds per measurement, at most
    say: Progress
    models: ReadModels


def account_targets(r: Reads, repeat: int) -> list[Row]:
    """Target 2: each heavy account as of a date and as known at a time."""
    ledger = bootstrap(Settings(database_url=r.database_url))
    try:
        return [_account_row(r, ledger.app, number, events, repeat)
                for number, events in sorted(r.heavy.items(), key=lambda item: -item[1])]
    finally:
        close(ledger.app)


def _account_row(r: Reads, app: Any, number: str, events: int, repeat: int) -> Row:
    rng = random.Random(events)
    limit = 0.300 if events >= 5_000 else 0.050
    asked = [past(rng, r.end) for _ in range(repeat)]
    paths = [f"/accounts/{number}?as_of={d}&known_at={k}" for d, k in asked]
    load = http_load.run([http_get(p) for p in paths],
                         http_clients(r.api.base_url, r.api.headers), 1, r.budget)
    failed(load, number, r.say)
    base = statistics.median(_read_and_decode(app, number, repeat))
    ratio = base / load.median if load.seconds else None
    r.say(f"{r.size}: account {number} ({events:,} events): {load.summary()}; "
          f"read + decode median {ms(base)}")
    return Row("2", f"account of {events:,} events, as of + known_at", r.size,
               f"p99 {ms(load.p99)}, median {ms(load.median)}", f"read + decode {ms(base)}",
               ratio, f"p99 <= {ms(limit)}", load.p99 <= limit and not load.failures,
               f"{number}, {len(load.seconds)} requests by one client")


def _read_and_decode(app: Any, number: str, repeat: int) -> list[float]:
    account_id = account_id_for(number)
    samples = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        for stored in app.recorder.select_events(account_id):
            app.mapper.to_domain_event(stored)
        samples.append(time.perf_counter() - started)
    return samples[1:]


def kpi_targets(r: Reads, rounds: int) -> list[Row]:
    """Target 7: one month's KPIs, and the 12-month trend (``GET /kpis/trend``).

    Closed months read without ``known_at`` are kept by the server under the read models'
    progress (nothing writes during the run), so each month's first call computes it and
    later ones find it kept: the first round's figures are given apart. The trend is also
    asked with ``known_at`` set to now, which is never answered from what was kept, for
    the cost of computing all twelve months; and, as before the trend call existed, as 12
    monthly calls (after the months were kept)."""
    months = _months_before(r.end, 12)
    paths = [f"/kpis?from={first}&to={last}" for first, last in months]
    single = http_load.run([http_get(p) for p in paths * rounds],
                           http_clients(r.api.base_url, r.api.headers), 1, r.budget)
    failed(single, "kpis", r.say)
    first_round = single.seconds[:len(months) - 1]  # the first request is a warm-up
    engine = create_engine(r.database_url)
    sql = [crud_baseline.sql_call(crud_baseline.month_sql(f, t)) for f, t in months]
    base = http_load.run(sql * rounds, engine.raw_connection, 1, r.budget)
    trend_path = f"/kpis/trend?months=12&to={months[0][1]}"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with httpx.Client(base_url=r.api.base_url, headers=r.api.headers, timeout=120) as client:
        calls = [_timed_all([http_get(p) for p in paths], client) for _ in range(rounds)]
        trends = [_timed_all([http_get(trend_path)], client) for _ in range(rounds + 3)]
        computed = [_timed_all([http_get(f"{trend_path}&known_at={now}")], client)
                    for _ in range(rounds + 1)]
    raw = engine.raw_connection()
    try:
        base_trend = statistics.median(_timed_all(sql, raw) for _ in range(rounds + 1))
    finally:
        raw.close()
        engine.dispose()
    trend, fresh = statistics.median(trends), statistics.median(computed)
    r.say(f"{r.size}: kpis one month {single.summary()}, first round slowest "
          f"{ms(max(first_round, default=0))}; trend {', '.join(f'{t:.2f}s' for t in trends)}; "
          f"trend with known_at {', '.join(f'{t:.2f}s' for t in computed)}; 12 calls "
          f"{', '.join(f'{t:.2f}s' for t in calls)}")
    return [
        Row("7", "KPIs for one month", r.size, f"p99 {ms(single.p99)}, median "
            f"{ms(single.median)}", f"month's sums in SQL median {ms(base.median)}",
            base.median / single.median, "p99 <= 300 ms",
            single.p99 <= 0.300 and not single.failures,
            f"{len(single.seconds)} calls by one client (the 12 months before the "
            f"portfolio's end, {rounds} rounds); the first round computes each month "
            f"(median {ms(statistics.median(first_round))}, slowest "
            f"{ms(max(first_round))}), later rounds find it kept; baseline: the month's "
            "billing and collections per currency in one SQL statement"
            if first_round else "too few calls to tell the first round apart"),
        Row("7", "KPIs 12-month trend (GET /kpis/trend)", r.size,
            f"median {trend * 1000:,.0f} ms, slowest {max(trends) * 1000:,.0f} ms",
            f"SQL {ms(base_trend)}", base_trend / trend, "median <= 1 s",
            trend <= 1.0 and not single.failures,
            f"months=12 to {months[0][1]}, {len(trends)} calls after the months were kept; "
            f"computed every time (known_at now, nothing kept): median {ms(fresh)}, "
            f"slowest {ms(max(computed))}; as 12 monthly calls of GET /kpis: median "
            f"{statistics.median(calls):.2f} s"),
    ]


def _timed_all(calls: list[Callable[[Any], None]], handle: Any) -> float:
    started = time.perf_counter()
    for call in calls:
        call(handle)
    return time.perf_counter() - started


def _months_before(end: date, count: int) -> list[tuple[date, date]]:
    first_of_end = end.replace(day=1)
    months = []
    last = first_of_end - timedelta(days=1) if end.month == (end + timedelta(days=1)).month \
        else end
    for _ in range(count):
        first = last.replace(day=1)
        months.append((first, last))
        last = first - timedelta(days=1)
    return months




def past(rng: random.Random, end: date) -> tuple[date, str]:
    """A business date in the last year, known at a moment a day or a few after it."""
    as_of = end - timedelta(days=rng.randint(1, 365))
    known = datetime.combine(as_of, datetime.min.time(), UTC) + timedelta(
        days=rng.randint(1, 5), minutes=rng.randint(0, 24 * 60 - 1))
    return as_of, known.strftime("%Y-%m-%dT%H:%M:%SZ")



def failed(load: Load, name: str, say: Progress) -> None:
    if load.failures:
        say(f"warning: {name}: {len(load.failures)} failed requests, first: {load.failures[0]}")
