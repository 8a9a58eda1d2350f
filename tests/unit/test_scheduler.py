"""The daily loop's scheduler and ``POST /days/{date}/tick`` on SQLite: each portfolio's
days after its cut-off, caught up in order, once; never ahead of today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from time import sleep

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.auth_throttle import FailedAuthentications
from infra.bootstrap import Ledger
from ledger.aggregates.errors import FutureDate
from ledger.daily_loop.scheduler import UnknownPortfolio
from tests.builders import SteppingClock, make_ledger
from tests.unit.given import an_account

TOKYO = {"consumer": {"timezone": "Asia/Tokyo", "cutoff": "18:00"}}


@pytest.fixture
def ledger() -> Iterator[tuple[Ledger, SteppingClock]]:
    ledger, clock = make_ledger(portfolios=TOKYO, follow_business_dates=False)
    an_account(ledger.service, "ACC-1", segment="consumer", timezone="Asia/Tokyo")
    an_account(ledger.service, "ACC-2")  # standard: the default portfolio (UTC, 18:00)
    yield ledger, clock


def at(clock: SteppingClock, moment: datetime) -> None:
    clock.now = moment


def test_each_portfolio_ticks_its_day_after_its_own_cut_off(
    ledger: tuple[Ledger, SteppingClock]
) -> None:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 10, 0, tzinfo=UTC))  # 19:00 in Tokyo, 10:00 UTC

    first = ledger_.daily_loop.run_once()

    assert [(t.portfolio, t.day, t.accounts) for t in first] == [
        ("consumer", date(2026, 2, 10), 1), ("default", date(2026, 2, 9), 1)]
    assert ledger_.daily_loop.run_once() == []
    assert {p: d for p, (d, _) in ledger_.daily_loop.days.last_days().items()} == {
        "consumer": date(2026, 2, 10), "default": date(2026, 2, 9)}


def test_a_server_down_three_days_catches_up_day_by_day_in_order(
    ledger: tuple[Ledger, SteppingClock]
) -> None:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 18, 30, tzinfo=UTC))
    ledger_.daily_loop.run_once()
    at(clock, datetime(2026, 2, 13, 18, 30, tzinfo=UTC))

    caught_up = [(t.portfolio, t.day) for t in ledger_.daily_loop.run_once()]

    assert [d for p, d in caught_up if p == "default"] == [
        date(2026, 2, 11), date(2026, 2, 12), date(2026, 2, 13)]
    assert [d for p, d in caught_up if p == "consumer"] == [  # Tokyo: 03:30 on the 14th
        date(2026, 2, 11), date(2026, 2, 12), date(2026, 2, 13)]


def test_ticking_a_day_again_records_nothing_new(ledger: tuple[Ledger, SteppingClock]) -> None:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 18, 30, tzinfo=UTC))
    ledger_.daily_loop.run_once()
    position = ledger_.app.recorder.max_notification_id()

    again = ledger_.daily_loop.tick(date(2026, 2, 10))

    assert {t.events for t in again} == {0}
    assert ledger_.app.recorder.max_notification_id() == position


def test_a_day_ahead_of_today_everywhere_is_refused(ledger: tuple[Ledger, SteppingClock]) -> None:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    with pytest.raises(FutureDate):
        ledger_.daily_loop.tick(date(2026, 2, 12))
    with pytest.raises(UnknownPortfolio):
        ledger_.daily_loop.tick(date(2026, 2, 10), "wholesale")


def test_the_scheduler_thread_ticks_at_once_and_stops(
    ledger: tuple[Ledger, SteppingClock]
) -> None:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 18, 30, tzinfo=UTC))
    stop = ledger_.daily_loop.start_background(interval_seconds=0.05)
    try:
        for _ in range(200):
            if len(ledger_.daily_loop.days.last_days()) == 2:
                break
            sleep(0.02)
    finally:
        stop()
    assert set(ledger_.daily_loop.days.last_days()) == {"consumer", "default"}


def test_the_server_starts_the_scheduler_unless_switched_off() -> None:
    assert make_ledger(scheduler_enabled=False)[0].background() == []
    assert len(make_ledger(scheduler_enabled=True)[0].background()) == 1


# POST /days/{date}/tick

@pytest.fixture
def client(ledger: tuple[Ledger, SteppingClock]) -> tuple[TestClient, dict[str, str]]:
    ledger_, clock = ledger
    at(clock, datetime(2026, 2, 10, 12, 0, tzinfo=UTC))
    app = create_app(ledger_, follow=False, failed_authentications=FailedAuthentications(10**6))
    keys = {role: app.state.keys.create(role, f"{role}-1")[1]
            for role in ("agent", "manager", "auditor", "compliance", "service", "admin")}
    return TestClient(app), keys


@pytest.mark.parametrize(("role", "status"), [
    ("manager", 200), ("service", 200), ("agent", 403), ("auditor", 403),
    ("compliance", 403), ("admin", 403)])
def test_managers_and_services_may_tick_a_day(
    client: tuple[TestClient, dict[str, str]], role: str, status: int
) -> None:
    http, keys = client
    response = http.post("/days/2026-02-09/tick", headers={"X-API-Key": keys[role]})
    assert response.status_code == status, response.text


def test_ticking_one_portfolio_twice_returns_what_was_ticked_then_nothing_new(
    client: tuple[TestClient, dict[str, str]]
) -> None:
    http, keys = client
    url = "/days/2026-02-09/tick?portfolio=consumer"

    first = http.post(url, headers={"X-API-Key": keys["service"]}).json()["items"]
    second = http.post(url, headers={"X-API-Key": keys["service"]}).json()["items"]

    assert [(i["portfolio"], i["day"], i["accounts"]) for i in first] == [
        ("consumer", "2026-02-09", 1)]
    assert second[0]["events"] == 0


def test_a_day_ahead_of_today_is_refused_with_the_rule(
    client: tuple[TestClient, dict[str, str]]
) -> None:
    http, keys = client
    response = http.post("/days/2026-02-12/tick", headers={"X-API-Key": keys["manager"]})
    assert response.status_code == 422
    assert response.json()["type"] == "urn:colledger:problem:future-date"
    unknown = http.post("/days/2026-02-09/tick?portfolio=wholesale",
                        headers={"X-API-Key": keys["manager"]})
    assert unknown.status_code == 404


def test_metrics_show_the_last_day_ticked_per_portfolio(
    client: tuple[TestClient, dict[str, str]]
) -> None:
    http, keys = client
    http.post("/days/2026-02-09/tick", headers={"X-API-Key": keys["manager"]})

    exposition = text_string_to_metric_families(http.get("/metrics").text)

    days = {s.labels["portfolio"]: s.value for family in exposition for s in family.samples
            if s.name == "colledger_portfolio_last_day_ticked"}
    assert days["consumer"] == datetime.combine(date(2026, 2, 9), time(0), UTC).timestamp()


@pytest.mark.parametrize("url", ["/days/0434-01-01/tick", "/dunning/dry-run?day=1015-07-14",
                                 "/policies?day=2300-01-01"])
def test_a_day_outside_the_business_calendar_is_refused_not_a_server_error(
    client: tuple[TestClient, dict[str, str]], url: str
) -> None:
    """Schemathesis found these answered 500: the day went to the ledger unchecked."""
    http, keys = client
    call = http.post if url.startswith("/days") else http.get
    response = call(url, headers={"X-API-Key": keys["manager"]})
    assert response.status_code == 422, response.text
