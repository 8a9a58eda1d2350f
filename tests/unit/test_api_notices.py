"""The notices reads: what each notice listed and what became of it, filtered, a page at a
time, newest first, times in UTC; agents read only their own accounts' notices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Literal

import httpx
import pytest

from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.commands.notices import RecordNoticeDelivery
from tests.builders import SERVICE
from tests.unit.api_world import TODAY, ApiWorld, problem_type

NOTICE = f"notice-{TODAY:%Y%m%d}"


class NoticesWorld(ApiWorld):
    def noticed(self, agent: str = "agent-1",
                outcome: Literal["delivered", "failed"] | None = None) -> str:
        """A debtor after today's run: INV-1, ten days overdue, in a first reminder by
        e-mail; then ``outcome`` recorded, if any."""
        number = self.debtor(agent=agent)
        self.service.execute(ProcessDay(account=number, day=TODAY), SERVICE)
        if outcome is not None:
            self.service.execute(RecordNoticeDelivery(
                account=number, notice_id=NOTICE, outcome=outcome,
                reason="smtp 550" if outcome == "failed" else ""), SYSTEM)
        self.app.state.read_models.catch_up()
        return number

    def get(self, url: str, caller: str = "manager") -> httpx.Response:
        return self.client.get(url, headers={"X-API-Key": self.keys[caller]})


@pytest.fixture(scope="module")
def world() -> Iterator[NoticesWorld]:
    yield NoticesWorld()


def test_an_accounts_notice_lists_what_it_asked_for_and_what_became_of_it(
    world: NoticesWorld,
) -> None:
    number = world.noticed(outcome="failed")

    response = world.get(f"/accounts/{number}/notices")

    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert {k: item[k] for k in ("account", "notice_id", "sent_on", "level", "channel",
                                 "template", "invoices", "amounts", "status", "reason")} == {
        "account": number, "notice_id": NOTICE, "sent_on": TODAY.isoformat(),
        "level": "reminder_1", "channel": "email", "template": "reminder_1", "invoices": 1,
        "amounts": [{"currency": "USD", "amount": "1000.00"}], "status": "failed",
        "reason": "smtp 550"}
    for moment in (item["recorded_at"], item["outcome_at"]):
        assert datetime.fromisoformat(moment).utcoffset() is not None, moment
    assert response.json()["next_cursor"] is None


def test_the_portfolios_notices_filter_by_status_and_page_newest_first(
    world: NoticesWorld,
) -> None:
    sent = [world.noticed(agent="agent-3") for _ in range(3)]
    delivered = world.noticed(agent="agent-3", outcome="delivered")

    first = world.get("/notices?status=sent&channel=email&limit=2")
    cursor = first.json()["next_cursor"]
    rest = world.get(f"/notices?status=sent&channel=email&limit=1000&cursor={cursor}")
    only = world.get(f"/notices?account={delivered}")

    assert first.status_code == 200 and rest.status_code == 200, first.text
    listed = [i["account"] for i in first.json()["items"] + rest.json()["items"]]
    assert listed[:3] == sent[::-1]
    assert delivered not in listed
    assert 'rel="next"' in first.headers["link"]
    assert [(i["account"], i["status"]) for i in only.json()["items"]] == [
        (delivered, "delivered")]


def test_agents_read_their_own_accounts_notices_only(world: NoticesWorld) -> None:
    mine, theirs = world.noticed(agent="agent-1"), world.noticed(agent="agent-2")

    listed = world.get("/notices?limit=1000", caller="agent").json()["items"]
    other = world.get(f"/notices?account={theirs}", caller="agent")
    other_account = world.get(f"/accounts/{theirs}/notices", caller="agent")

    assert mine in {i["account"] for i in listed}
    assert theirs not in {i["account"] for i in listed}
    assert other.status_code == 403 and other_account.status_code == 403


def test_a_period_ending_before_it_starts_is_refused(world: NoticesWorld) -> None:
    response = world.get("/notices?from=2026-02-10&to=2026-02-01")

    assert response.status_code == 422 and problem_type(response) == "invalid-dates"


def test_an_unknown_account_has_no_notices_to_list(world: NoticesWorld) -> None:
    response = world.get("/accounts/ACC-NONE/notices")

    assert response.status_code == 404
