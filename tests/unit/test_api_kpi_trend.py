"""``GET /kpis/trend``: each month is what ``GET /kpis`` says of that month, under every
filter ``GET /kpis`` takes (the world of ``test_api_portfolio_filters``: today is 10
February 2026, so January is closed and February is a month to date)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.test_api_portfolio_filters import World


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


FILTERS: list[dict[str, Any]] = [
    {}, {"agent": "agent-1"}, {"segment": "enterprise"}, {"currency": "JPY"},
    {"agent": "agent-1", "segment": "standard"}, {"known_at": "2026-02-06T00:00:00Z"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_each_month_of_the_trend_is_that_months_kpis(world: World, filters: dict[str, Any]
                                                     ) -> None:
    for _ in range(2):  # the second time January comes from what was kept
        trend = world.get("/kpis/trend", months=3, to="2026-02-10", **filters)
        assert trend.status_code == 200, trend.text
        months = trend.json()["months"]
        assert [(m["start"], m["end"]) for m in months] == [
            ("2025-12-01", "2025-12-31"), ("2026-01-01", "2026-01-31"),
            ("2026-02-01", "2026-02-10")]
        for month in months:
            alone = world.get("/kpis", **{"from": month["start"], "to": month["end"]},
                              **filters).json()
            assert month["currencies"] == alone["currencies"]


def test_the_trend_ends_today_by_default(world: World) -> None:
    body = world.get("/kpis/trend", months=1).json()

    assert body["to"] == "2026-02-10"
    assert [(m["start"], m["end"]) for m in body["months"]] == [("2026-02-01", "2026-02-10")]


@pytest.mark.parametrize("months", [0, 37])
def test_a_trend_of_no_months_or_too_many_is_refused(world: World, months: int) -> None:
    assert world.get("/kpis/trend", months=months).status_code == 422


def test_the_agent_may_not_read_the_trend(world: World) -> None:
    assert world.get("/kpis/trend", caller="agent").status_code == 403
