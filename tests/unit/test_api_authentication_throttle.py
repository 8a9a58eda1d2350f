"""Wrong API keys are throttled per client address, on a clock the tests move by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api.auth_throttle import DEFAULT_LIMIT, FailedAuthentications
from tests.unit.api_world import ApiWorld, problem_type

WRONG = {"X-API-Key": "clk_00000000_not-a-key"}


class HandClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def world(clock: HandClock) -> ApiWorld:
    world = ApiWorld()
    world.app.state.failed_authentications = FailedAuthentications(clock=clock)
    return world


def counted(outcome: str) -> float:
    value = REGISTRY.get_sample_value("colledger_failed_authentications_total",
                                      {"outcome": outcome})
    return value or 0.0


def with_key(world: ApiWorld, caller: str = "manager") -> dict[str, str]:
    return {"X-API-Key": world.keys[caller]}


def test_wrong_keys_past_the_limit_are_answered_429_with_retry_after_and_counted(
    world: ApiWorld,
) -> None:
    wrong, throttled = counted("wrong_key"), counted("throttled")

    answers = [world.client.get("/accounts", headers=WRONG) for _ in range(500)]

    assert [a.status_code for a in answers] == [401] * DEFAULT_LIMIT + [429] * (500 - DEFAULT_LIMIT)
    assert problem_type(answers[-1]) == "too-many-failed-authentications"
    assert {a.headers["Retry-After"] for a in answers[DEFAULT_LIMIT:]} == {"60"}
    assert "Retry-After" not in answers[DEFAULT_LIMIT - 1].headers
    assert counted("wrong_key") == wrong + DEFAULT_LIMIT
    assert counted("throttled") == throttled + 500 - DEFAULT_LIMIT
    exposition = world.client.get("/metrics").text
    assert 'colledger_failed_authentications_total{outcome="throttled"}' in exposition


def test_a_valid_key_from_a_throttled_address_waits_out_the_window_too(
    world: ApiWorld, clock: HandClock,
) -> None:
    for _ in range(DEFAULT_LIMIT):
        world.client.get("/accounts", headers=WRONG)

    refused = world.client.get("/accounts", headers=with_key(world))
    clock.now += 45
    later = world.client.get("/accounts", headers=with_key(world))
    clock.now += 15
    after_the_window = world.client.get("/accounts", headers=with_key(world))
    wrong_again = world.client.get("/accounts", headers=WRONG)

    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    assert (later.status_code, later.headers["Retry-After"]) == (429, "15")
    assert after_the_window.status_code == 200
    assert wrong_again.status_code == 401


def test_another_address_is_not_throttled_and_a_missing_key_does_not_count(
    world: ApiWorld,
) -> None:
    for _ in range(DEFAULT_LIMIT):
        world.client.get("/accounts", headers=WRONG)
    neighbour = TestClient(world.app, client=("192.0.2.7", 50000))

    keyless = [neighbour.get("/accounts").status_code for _ in range(DEFAULT_LIMIT * 2)]

    assert world.client.get("/accounts", headers=with_key(world)).status_code == 429
    assert set(keyless) == {401}
    assert neighbour.get("/accounts", headers=with_key(world)).status_code == 200


def test_the_throttle_forgets_ended_windows_and_never_holds_more_than_its_capacity(
    clock: HandClock,
) -> None:
    throttle = FailedAuthentications(limit=1, capacity=100, clock=clock)

    for n in range(1000):
        throttle.failed(f"198.51.100.{n}")
    held = len(throttle)
    clock.now += 60
    throttle.failed("203.0.113.1")

    assert held == 100
    assert throttle.retry_after("198.51.100.999") is None  # its window has ended
    assert len(throttle) == 1
    assert throttle.retry_after("203.0.113.1") == 60
