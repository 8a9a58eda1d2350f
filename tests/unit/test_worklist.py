"""Agent worklists: ranked by a score made of named components, with exclusions.

Every account here is opened on 2026-01-01 in UTC and owes USD; the worklist is
for DAY. With the default weights, undisputed money overdue 1-30 days scores
0.01 a unit (1000.00 -> 10), 31-60 days 0.02, 61-90 days 0.03; a recent broken
promise 50, a promise due 40, a dispute open 14 days or more 20, a credit limit
breach 25, and each day since the last contact 1, up to 30 (never contacted: 30).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import Table, func, select

from colledger.main import main
from ledger.aggregates.contact_policy import ContactPolicies, ContactPolicy
from ledger.commands.accounts import (
    AssignAgent,
    PlaceWithAgency,
    ReferToLegal,
    RequestCeaseCommunication,
    SetCreditLimit,
)
from ledger.commands.base import Actor, Command
from ledger.commands.collections import (
    AgreePaymentPlan,
    InstalmentLine,
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordContact,
)
from ledger.projections.activity import ActivityProjection
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.runner import ProjectionRunner
from ledger.projections.worklist import (
    Worklist,
    build_worklist,
    cleared_items,
    rank_worklist,
    stored_worklist,
)
from ledger.projections.worklist_scoring import COMPONENTS, WorklistWeights
from ledger.projections.worklist_table import worklist_items
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SERVICE, make_service
from tests.unit.given import a_payment, an_account, an_invoice

DAY = date(2026, 3, 2)
AGENT_ID = AGENT.actor_id
OTHER_AGENT = Actor("agent-2", "agent")
TEN_DAYS_LATE = DAY - timedelta(days=10)
FORTY_DAYS_LATE = DAY - timedelta(days=40)
COUNTER = iter(range(1_000_000))
Outcome = Literal["no_answer", "conversation"]


@dataclass
class Desk:
    """A ledger with its read models kept up, and a place to store worklists."""

    service: LedgerService
    runner: ProjectionRunner
    table: Table

    def run(self, command: Command, actor: Actor = MANAGER) -> None:
        self.service.execute(command, actor)

    def debtor(self, number: str, *invoices: tuple[str, date], agent: str | None = AGENT_ID,
               **account: Any) -> None:
        """An account assigned to ``agent`` owing each ``(amount, due date)``."""
        an_account(self.service, number, **account)
        if agent is not None:
            self.run(AssignAgent(account=number, agent_id=agent))
        for position, (amount, due) in enumerate(invoices, start=1):
            an_invoice(self.service, f"{number}-INV-{position}", amount, due_date=due,
                       account=number, currency=account.get("currency", "USD"))

    def call(self, number: str, on: date, outcome: Outcome = "no_answer", hour: int = 12,
             actor: Actor = AGENT) -> None:
        self.run(RecordContact(account=number, contact_id=f"C-{next(COUNTER)}", channel="call",
                               outcome=outcome, at=datetime.combine(on, time(hour), tzinfo=UTC)),
                 actor)

    def worklist(self, day: date = DAY, agent: str = AGENT_ID, **options: Any) -> Worklist:
        self.runner.catch_up()
        open_items, activity = self.runner.live["open_items"], self.runner.live["activity"]
        with self.service.app.datastore.transaction(commit=True) as session:
            return build_worklist(session, open_items, activity, self.table, agent, day,
                                  **options)

    def ranked_only(self, day: date = DAY) -> Worklist:
        self.runner.catch_up()
        open_items, activity = self.runner.live["open_items"], self.runner.live["activity"]
        with self.service.app.datastore.transaction(commit=True) as session:
            return rank_worklist(session, open_items, activity, AGENT_ID, day)

    def stored(self, day: date = DAY, agent: str = AGENT_ID) -> Worklist | None:
        with self.service.app.datastore.transaction(commit=False) as session:
            return stored_worklist(session, self.table, agent, day)

    def cleared(self, start: date, end: date, agent: str = AGENT_ID) -> int:
        self.runner.catch_up()
        with self.service.app.datastore.transaction(commit=False) as session:
            return cleared_items(session, self.table, self.runner.live["activity"], agent,
                                 start, end)

    def stored_rows(self) -> int:
        with self.service.app.datastore.transaction(commit=False) as session:
            return int(session.execute(select(func.count()).select_from(self.table)).scalar())


@pytest.fixture
def desk(service: LedgerService) -> Iterator[Desk]:
    runner = ProjectionRunner(service.app, [OpenItemsProjection(), ActivityProjection()])
    yield Desk(service, runner, worklist_items)


def ranked(worklist: Worklist) -> list[str]:
    return [item.account for item in worklist.items]


def item(worklist: Worklist, number: str) -> Any:
    found = [i for i in (*worklist.items, *worklist.excluded) if i.account == number]
    assert len(found) == 1, f"{number} should appear exactly once"
    return found[0]


def reasons(worklist: Worklist) -> dict[str, str | None]:
    return {i.account: i.reason for i in worklist.excluded}


# Ranking and components --------------------------------------------------------------


def test_accounts_rank_by_overdue_amount_weighted_by_its_age(desk: Desk) -> None:
    desk.debtor("ACC-SMALL-RECENT", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-SMALL-OLD", ("1000.00", FORTY_DAYS_LATE))
    desk.debtor("ACC-BIG-RECENT", ("3000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-NOT-YET-DUE", ("9000.00", DAY + timedelta(days=5)))

    worklist = desk.worklist()

    assert ranked(worklist) == [
        "ACC-BIG-RECENT", "ACC-SMALL-OLD", "ACC-SMALL-RECENT", "ACC-NOT-YET-DUE",
    ]
    overdue = {i.account: i.components["overdue"] for i in worklist.items}
    assert overdue == {
        "ACC-BIG-RECENT": Decimal("30"), "ACC-SMALL-OLD": Decimal("20"),
        "ACC-SMALL-RECENT": Decimal("10"), "ACC-NOT-YET-DUE": Decimal("0"),
    }
    assert [i.rank for i in worklist.items] == [1, 2, 3, 4]


def test_components_are_all_present_and_sum_to_the_score(desk: Desk) -> None:
    desk.debtor("ACC-1", ("1000.00", FORTY_DAYS_LATE), ("500.00", TEN_DAYS_LATE))
    desk.run(SetCreditLimit(account="ACC-1", amount=Decimal("1200.00")))
    desk.run(OpenDispute(account="ACC-1", dispute_id="D-1", invoice_id="ACC-1-INV-1",
                         amount=Decimal("400.00"), reason="short delivery",
                         effective_on=DAY - timedelta(days=20)))
    desk.call("ACC-1", DAY - timedelta(days=4))

    found = item(desk.worklist(), "ACC-1")

    assert set(found.components) == set(COMPONENTS)
    assert found.components == {
        "overdue": Decimal("17"),  # 600 undisputed x 0.02 + 500 x 0.01
        "broken_promise": Decimal(0),
        "promise_due": Decimal(0),
        "dispute_follow_up": Decimal("20"),
        "days_since_contact": Decimal("4"),
        "credit_limit_breach": Decimal("25"),  # 1500 owed > 1200
        "overdue_tasks": Decimal(0),
    }
    assert found.score == sum(found.components.values()) == Decimal("66")
    assert isinstance(found.score, Decimal)


def test_equal_scores_are_ranked_by_account_number(desk: Desk) -> None:
    for number in ("ACC-C", "ACC-A", "ACC-B"):
        desk.debtor(number, ("1000.00", TEN_DAYS_LATE))

    assert ranked(desk.worklist()) == ["ACC-A", "ACC-B", "ACC-C"]


def test_other_currencies_count_only_with_an_explicit_weight(desk: Desk) -> None:
    desk.debtor("ACC-USD", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-JPY", ("100000", TEN_DAYS_LATE), currency="JPY")
    an_invoice(desk.service, "EUR-1", "2000.00", currency="EUR", due_date=TEN_DAYS_LATE,
               account="ACC-USD")

    plain = desk.worklist()
    weighted = desk.worklist(weights=WorklistWeights(
        currency_weights={"USD": Decimal(1), "EUR": Decimal("1.1"), "JPY": Decimal("0.0065")}))

    assert item(plain, "ACC-USD").components["overdue"] == Decimal("10")
    assert item(plain, "ACC-JPY").components["overdue"] == Decimal("1000")
    assert item(weighted, "ACC-USD").components["overdue"] == Decimal("32")
    assert item(weighted, "ACC-JPY").components["overdue"] == Decimal("6.5")


def test_a_recently_broken_promise_lifts_an_account_above_a_larger_balance(desk: Desk) -> None:
    desk.debtor("ACC-LARGER", ("3000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-PROMISED", ("1000.00", TEN_DAYS_LATE))
    desk.run(MakePromise(account="ACC-PROMISED", promise_id="P-1", amount=Decimal("500.00"),
                         currency="USD", due_date=DAY - timedelta(days=3),
                         effective_on=DAY - timedelta(days=8)), AGENT)
    assert ranked(desk.worklist()) == ["ACC-LARGER", "ACC-PROMISED"]

    desk.run(ProcessDay(account="ACC-PROMISED", day=DAY - timedelta(days=2)), SERVICE)
    worklist = desk.worklist()

    assert ranked(worklist) == ["ACC-PROMISED", "ACC-LARGER"]
    assert item(worklist, "ACC-PROMISED").components["broken_promise"] == Decimal("50")
    assert item(desk.worklist(DAY + timedelta(days=40)), "ACC-PROMISED").components[
        "broken_promise"] == 0, "a promise broken over 30 days ago is no longer news"


def test_a_promise_due_today_lifts_an_account(desk: Desk) -> None:
    desk.debtor("ACC-LARGER", ("3000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-PROMISED", ("1000.00", TEN_DAYS_LATE))
    desk.run(MakePromise(account="ACC-PROMISED", promise_id="P-1", amount=Decimal("500.00"),
                         currency="USD", due_date=DAY, effective_on=DAY - timedelta(days=5)),
             AGENT)

    worklist = desk.worklist()

    assert ranked(worklist) == ["ACC-PROMISED", "ACC-LARGER"]
    assert item(worklist, "ACC-PROMISED").components["promise_due"] == Decimal("40")
    assert item(desk.worklist(DAY - timedelta(days=1)), "ACC-PROMISED").components[
        "promise_due"] == 0, "not due yet the day before"


def test_an_instalment_within_its_grace_days_counts_as_due(desk: Desk) -> None:
    desk.debtor("ACC-PLAN", ("1000.00", TEN_DAYS_LATE))
    desk.run(AgreePaymentPlan(
        account="ACC-PLAN", plan_id="PLAN-1", currency="USD", grace_days=2,
        instalments=(InstalmentLine(due_date=DAY - timedelta(days=2), amount=Decimal("300")),
                     InstalmentLine(due_date=DAY + timedelta(days=30), amount=Decimal("700"))),
        effective_on=DAY - timedelta(days=9)), AGENT)

    assert item(desk.worklist(), "ACC-PLAN").components["promise_due"] == Decimal("40")
    assert item(desk.worklist(DAY + timedelta(days=1)), "ACC-PLAN").components[
        "promise_due"] == 0


# Exclusions ---------------------------------------------------------------------------


def _cease(desk: Desk) -> None:
    desk.run(RequestCeaseCommunication(account="ACC-X", reason="letter from the debtor"))


def _agency(desk: Desk) -> None:
    desk.run(PlaceWithAgency(account="ACC-X", agency_id="AGENCY-1"))


def _legal(desk: Desk) -> None:
    desk.run(ReferToLegal(account="ACC-X", reason="claim filed"))


def _disputed(desk: Desk) -> None:
    desk.run(OpenDispute(account="ACC-X", dispute_id="D-1", invoice_id="ACC-X-INV-1",
                         amount=Decimal("5000.00"), reason="never delivered",
                         effective_on=DAY - timedelta(days=3)))


def _seven_calls(desk: Desk) -> None:
    for days_ago in range(6, 0, -1):
        desk.call("ACC-X", DAY - timedelta(days=days_ago))
    desk.call("ACC-X", DAY - timedelta(days=1), hour=15)


def _conversation(desk: Desk) -> None:
    desk.call("ACC-X", DAY - timedelta(days=6), outcome="conversation")


@pytest.mark.parametrize(
    ("make_it_so", "reason"),
    [
        (_cease, "cease-communication"),
        (_agency, "agency"),
        (_legal, "legal"),
        (_disputed, "all-disputed"),
        (_seven_calls, "call-frequency"),
        (_conversation, "conversation-cooldown"),
    ],
)
def test_an_account_that_may_not_be_worked_is_excluded_with_its_reason(
    desk: Desk, make_it_so: Any, reason: str
) -> None:
    desk.debtor("ACC-X", ("5000.00", FORTY_DAYS_LATE))
    desk.debtor("ACC-OK", ("100.00", TEN_DAYS_LATE))
    make_it_so(desk)

    worklist = desk.worklist()

    assert ranked(worklist) == ["ACC-OK"]
    assert reasons(worklist) == {"ACC-X": reason}
    excluded = item(worklist, "ACC-X")
    assert excluded.excluded and excluded.detail
    assert excluded.score == sum(excluded.components.values())


def test_contact_limits_lapse_once_their_seven_days_are_over(desk: Desk) -> None:
    desk.debtor("ACC-X", ("5000.00", FORTY_DAYS_LATE))
    _conversation(desk)

    assert reasons(desk.worklist(DAY)) == {"ACC-X": "conversation-cooldown"}
    assert ranked(desk.worklist(DAY + timedelta(days=1))) == ["ACC-X"]


def test_contact_limits_count_days_in_the_accounts_timezone(desk: Desk) -> None:
    desk.debtor("ACC-NY", ("5000.00", FORTY_DAYS_LATE), timezone="America/New_York")
    evening_in_new_york = datetime(2026, 2, 24, 1, 30, tzinfo=UTC)  # 23 Feb, 20:30 local
    desk.run(RecordContact(account="ACC-NY", contact_id="C-NY", channel="call",
                           outcome="conversation", at=evening_in_new_york), AGENT)

    assert reasons(desk.worklist(date(2026, 3, 1))) == {"ACC-NY": "conversation-cooldown"}
    assert ranked(desk.worklist(date(2026, 3, 2))) == ["ACC-NY"], (
        "the quiet week began on 23 February in New York, not on the UTC date"
    )


def test_a_dispute_covering_only_part_of_the_overdue_amount_does_not_exclude(
    desk: Desk,
) -> None:
    desk.debtor("ACC-X", ("5000.00", FORTY_DAYS_LATE), ("800.00", DAY + timedelta(days=9)))
    desk.run(OpenDispute(account="ACC-X", dispute_id="D-1", invoice_id="ACC-X-INV-1",
                         amount=Decimal("4000.00"), reason="partial",
                         effective_on=DAY - timedelta(days=3)))
    assert ranked(desk.worklist()) == ["ACC-X"]

    desk.run(OpenDispute(account="ACC-X", dispute_id="D-2", invoice_id="ACC-X-INV-1",
                         amount=Decimal("1000.00"), reason="the rest",
                         effective_on=DAY - timedelta(days=2)))

    assert reasons(desk.worklist()) == {"ACC-X": "all-disputed"}, (
        "the dispute covers everything overdue; what is not yet due is nothing to chase"
    )


def test_only_the_agents_own_accounts_with_something_owed_are_listed(desk: Desk) -> None:
    desk.debtor("ACC-MINE", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-THEIRS", ("9000.00", FORTY_DAYS_LATE), agent=OTHER_AGENT.actor_id)
    desk.debtor("ACC-NOBODYS", ("9000.00", FORTY_DAYS_LATE), agent=None)
    desk.debtor("ACC-PAID", ("1000.00", TEN_DAYS_LATE))
    a_payment(desk.service, "PAY-1", "1000.00", TEN_DAYS_LATE, account="ACC-PAID")
    desk.debtor("ACC-CEASED-PAID", ("1000.00", TEN_DAYS_LATE))
    a_payment(desk.service, "PAY-2", "1000.00", TEN_DAYS_LATE, account="ACC-CEASED-PAID")
    desk.run(RequestCeaseCommunication(account="ACC-CEASED-PAID", reason="letter"))

    mine = desk.worklist()
    theirs = desk.worklist(agent=OTHER_AGENT.actor_id)

    assert ranked(mine) == ["ACC-MINE"] and mine.excluded == ()
    assert ranked(theirs) == ["ACC-THEIRS"]


# Storage ------------------------------------------------------------------------------


def test_the_stored_worklist_reads_back_equal_to_the_built_one(desk: Desk) -> None:
    desk.debtor("ACC-1", ("1234.56", FORTY_DAYS_LATE))
    desk.debtor("ACC-2", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-3", ("1000.00", TEN_DAYS_LATE))
    desk.run(ReferToLegal(account="ACC-3", reason="claim"))

    built = desk.worklist()

    assert desk.stored() == built
    assert desk.stored(DAY + timedelta(days=1)) is None
    assert desk.stored(agent=OTHER_AGENT.actor_id) is None


def test_ranking_alone_stores_nothing_and_equals_what_is_handed_out(desk: Desk) -> None:
    desk.debtor("ACC-1", ("1234.56", FORTY_DAYS_LATE))
    desk.debtor("ACC-2", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-3", ("1000.00", TEN_DAYS_LATE))
    desk.run(ReferToLegal(account="ACC-3", reason="claim"))

    preview = desk.ranked_only()

    assert desk.stored_rows() == 0 and desk.stored() is None
    handed_out = desk.worklist()
    assert (preview.items, preview.excluded) == (handed_out.items, handed_out.excluded)


def test_scores_and_components_are_stored_as_exact_text(desk: Desk) -> None:
    desk.debtor("ACC-1", ("1234.57", FORTY_DAYS_LATE))
    desk.worklist()

    with desk.service.app.datastore.transaction(commit=False) as session:
        row = session.execute(select(worklist_items)).one()

    assert row.score == "54.6914"  # 1234.57 x 0.02 + 30 days never contacted
    assert row.components.startswith('{"broken_promise": "0.0000", "credit_limit_breach"')
    assert '"overdue": "24.6914"' in row.components


def test_rebuilding_the_same_agent_and_day_replaces_its_rows(desk: Desk) -> None:
    desk.debtor("ACC-1", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-2", ("2000.00", TEN_DAYS_LATE))
    desk.worklist()
    desk.worklist(DAY + timedelta(days=1))
    assert desk.stored_rows() == 4

    a_payment(desk.service, "PAY-1", "2000.00", DAY, account="ACC-2")
    rebuilt = desk.worklist()

    assert desk.stored_rows() == 3
    assert desk.stored() == rebuilt
    assert ranked(rebuilt) == ["ACC-1"]


def test_cleared_items_are_those_the_agent_contacted_on_the_worklists_day(desk: Desk) -> None:
    for number in ("ACC-1", "ACC-2", "ACC-3"):
        desk.debtor(number, ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-LEGAL", ("1000.00", TEN_DAYS_LATE))
    desk.run(ReferToLegal(account="ACC-LEGAL", reason="claim"))
    desk.worklist(DAY)
    desk.worklist(DAY + timedelta(days=1))

    desk.call("ACC-1", DAY)
    desk.call("ACC-1", DAY, hour=14)
    desk.call("ACC-2", DAY + timedelta(days=1))
    desk.call("ACC-3", DAY, actor=OTHER_AGENT)
    desk.call("ACC-3", DAY + timedelta(days=2))

    assert desk.cleared(DAY, DAY) == 1
    assert desk.cleared(DAY, DAY + timedelta(days=2)) == 2
    assert desk.cleared(DAY + timedelta(days=1), DAY + timedelta(days=5)) == 1
    assert desk.cleared(DAY, DAY, agent=OTHER_AGENT.actor_id) == 0


def test_each_portfolio_is_held_to_its_own_contact_policy(desk: Desk) -> None:
    desk.debtor("ACC-CONSUMER", ("500.00", TEN_DAYS_LATE), segment="consumer")
    desk.debtor("ACC-TRADE", ("500.00", TEN_DAYS_LATE), segment="trade")
    for number in ("ACC-CONSUMER", "ACC-TRADE"):
        for days_ago in (1, 2, 3):
            desk.call(number, DAY - timedelta(days=days_ago))
    strict = ContactPolicies(by_portfolio={"consumer": ContactPolicy(max_calls=3)})

    worklist = desk.worklist(policies=strict)

    assert ranked(worklist) == ["ACC-TRADE"]
    assert reasons(worklist) == {"ACC-CONSUMER": "call-frequency"}


# The terminal ------------------------------------------------------------------------


def test_cli_shows_what_was_handed_out_and_only_hand_out_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = make_service(url)
    desk = Desk(service, ProjectionRunner(service.app, []),
                worklist_items)
    desk.debtor("ACC-1", ("1000.00", TEN_DAYS_LATE))
    ask = ["--database-url", url, "worklist", AGENT_ID, "--on", str(DAY), "--format", "json"]

    def shown(*flags: str) -> tuple[int, list[str]]:
        code = main([*ask, *flags])
        out = capsys.readouterr().out
        return code, [row["account"] for row in json.loads(out)] if out else []

    assert shown() == (1, [])
    assert shown("--preview") == (0, ["ACC-1"])
    assert desk.stored_rows() == 0
    assert shown("--hand-out") == (0, ["ACC-1"])
    assert desk.stored_rows() == 1
    assert shown() == (0, ["ACC-1"])
