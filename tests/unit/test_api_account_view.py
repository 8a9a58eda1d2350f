"""GET /accounts/{account}: made of the read models, yet it shows the caller's own writes
at once, and the account's standing as of the date asked, under the current ETag."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.unit.api_world import ApiWorld


class World(ApiWorld):
    """No follower runs here (``follow=False``): a read applies pending events itself."""

    def get(self, number: str, as_of: str) -> httpx.Response:
        return self.client.get(f"/accounts/{number}", params={"as_of": as_of},
                               headers={"X-API-Key": self.keys["manager"]})


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


def test_a_write_is_in_the_very_next_account_read_without_wait_for(world: World) -> None:
    number = world.debtor()
    world.app.state.read_models.catch_up()
    paid = world.post(f"/accounts/{number}/payments", {
        "payment_id": "PAY-RYW", "amount": "300.00", "currency": "USD",
        "received_on": "2026-02-09"})
    held = world.post(f"/accounts/{number}/credit-holds", {"reason": "60 days past due"})
    assert world.app.state.read_models.lag() > 0

    response = world.get(number, "2026-02-10")

    body = response.json()
    assert (paid.status_code, held.status_code, response.status_code) == (201, 201, 200)
    assert body["totals"]["USD"]["outstanding"] == "3200.00"
    assert body["flags"]["credit_hold"] is True
    assert response.headers["etag"] == held.headers["etag"] == f'"v{body["version"]}"'


def test_the_standing_is_shown_as_of_the_date_asked_under_the_current_etag(
    world: World,
) -> None:
    number = world.debtor()  # INV-1 (v2, 1 January), INV-2 (v3, 15 January), agent (v4)
    held = world.post(f"/accounts/{number}/credit-holds", {"reason": "60 days past due"})

    before = world.get(number, "2026-02-09").json()
    on_the_day = world.get(number, "2026-02-10").json()

    assert (before["flags"]["credit_hold"], on_the_day["flags"]["credit_hold"]) == (False, True)
    assert (before["agent_id"], on_the_day["agent_id"]) == (None, "agent-1")
    assert (before["version"], on_the_day["version"]) == (3, 5)
    assert before["head_hash"] == world.history(number)[2]["hash"]
    assert world.get(number, "2026-02-09").headers["etag"] == held.headers["etag"] == '"v5"'
