"""Two servers on one PostgreSQL store: each portfolio's day is ticked by exactly one."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.builders import make_ledger
from tests.unit.given import an_account

PORTFOLIOS = {"consumer": {"timezone": "Europe/London", "cutoff": "18:00"}}
DOWN_SINCE = datetime(2026, 2, 9, 18, 30, tzinfo=UTC)
BACK_AT = datetime(2026, 2, 13, 18, 30, tzinfo=UTC)

pytestmark = pytest.mark.postgres


def a_server_waking_up(url: str, start: Any, results: Any) -> None:
    """One server's scheduler, run once at ``BACK_AT`` as soon as the other is ready too."""
    ledger = bootstrap(Settings(database_url=url, portfolios=PORTFOLIOS), clock=lambda: BACK_AT)
    start.wait(timeout=60)
    results.put([(t.portfolio, t.day) for t in ledger.daily_loop.run_once()])


def test_two_servers_tick_each_missed_day_once_between_them(postgres_database_url: str) -> None:
    ledger, clock = make_ledger(postgres_database_url, portfolios=PORTFOLIOS,
                                follow_business_dates=False)
    for n in range(6):
        an_account(ledger.service, f"ACC-{n}", segment="consumer" if n % 2 else "standard")
    clock.now = DOWN_SINCE
    ledger.daily_loop.run_once()  # 9 February, then the servers are down three days
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    servers = [context.Process(target=a_server_waking_up,
                               args=(postgres_database_url, start, results)) for _ in range(2)]
    for server in servers:
        server.start()
    ticked = [results.get(timeout=120) for _ in servers]
    for server in servers:
        server.join(60)

    missed = [date(2026, 2, 10) + timedelta(n) for n in range(4)]
    assert Counter(t for each in ticked for t in each) == Counter(
        (p, d) for p in ("consumer", "default") for d in missed), ticked
    assert {p: d for p, (d, _) in ledger.daily_loop.days.last_days().items()} == {
        "consumer": missed[-1], "default": missed[-1]}
