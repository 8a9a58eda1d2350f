"""The demo portfolio generator: realistic, deterministic, and accepted by the ledger.

One portfolio of 25 accounts over 6 months is replayed once through a real
ledger (SQLite in memory), the clock set to each step's recorded time before
its command runs; the tests then look at what the ledger made of it and at the
steps themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ledger.aggregates.errors import LedgerError
from ledger.commands.accounts import OpenAccount, PlaceWithAgency, RequestCeaseCommunication
from ledger.commands.collections import RecordContact
from ledger.commands.receivables import RecordPayment
from ledger.demo import DemoStep, demo_commands
from ledger.service import LedgerService
from tests.builders import SteppingClock, make_service

END = date(2025, 12, 31)
SEED = 7
INTERESTING_EVENTS = (
    "InvoiceIssued",
    "PaymentAllocated",
    "DisputeOpened",
    "DisputeResolved",
    "PromiseKept",
    "PromiseBroken",
    "PaymentPlanAgreed",
    "SettlementAgreed",
    "InvoiceWrittenOff",
    "WrittenOffAmountRecovered",
    "ContactAttempted",
    "ReminderSent",
    "CeaseCommunicationRequested",
    "PlacedWithAgency",
    "CreditHoldPlaced",
)
ROLE_OF_COMMAND = {
    "IssueInvoice": "service",
    "RecordPayment": "service",
    "RecordContact": "agent",
    "MakePromise": "agent",
    "OpenDispute": "agent",
    "RequestWriteOff": "agent",
    "AssignAgent": "manager",
    "DecideWriteOff": "manager",
    "WriteOff": "manager",
    "AgreeSettlement": "manager",
    "DecideSettlement": "manager",
}


@dataclass
class Replay:
    steps: list[DemoStep]
    rejected: list[tuple[DemoStep, LedgerError]]
    service: LedgerService
    histories: dict[str, list[dict[str, Any]]]

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e for h in self.histories.values() for e in h if e["type"] == event_type]


def portfolio(seed: int = SEED) -> list[DemoStep]:
    return list(demo_commands(accounts=25, months=6, seed=seed, end=END))


@pytest.fixture(scope="module")
def replay() -> Replay:
    steps = portfolio()
    start = SteppingClock(now=steps[0].recorded_at - timedelta(seconds=1))
    service, clock = make_service(clock=start)
    rejected = []
    for step in steps:
        clock.now = max(clock.now, step.recorded_at)
        try:
            service.execute(step.command, step.actor)
        except LedgerError as error:
            rejected.append((step, error))
    histories = {n: list(service.history(n)) for n in service.account_numbers()}
    return Replay(steps, rejected, service, histories)


def test_the_ledger_accepts_every_generated_command(replay: Replay) -> None:
    first = [(type(s.command).__name__, s.command.account, str(e)) for s, e in replay.rejected]
    assert first[:5] == []
    assert len(replay.histories) == 25


def test_every_collections_path_appears_in_the_portfolio(replay: Replay) -> None:
    seen = {e["type"] for history in replay.histories.values() for e in history}
    assert set(INTERESTING_EVENTS) - seen == set()


def test_invoices_come_in_at_least_three_currencies_and_some_accounts_use_two(
    replay: Replay,
) -> None:
    currencies = Counter(e["payload"]["currency"] for e in replay.events("InvoiceIssued"))
    assert len(currencies) >= 3
    per_account = [
        {e["payload"]["currency"] for e in history if e["type"] == "InvoiceIssued"}
        for history in replay.histories.values()
    ]
    assert any(len(used) == 2 for used in per_account)


def test_disputes_are_upheld_in_part_rejected_or_still_open_at_the_end(replay: Replay) -> None:
    opened = {e["payload"]["dispute_id"]: e["payload"] for e in replay.events("DisputeOpened")}
    resolved = {e["payload"]["dispute_id"]: e["payload"] for e in replay.events("DisputeResolved")}
    partly = [
        d
        for d, r in resolved.items()
        if r["outcome"] == "upheld" and Decimal(r["credited"]) < Decimal(opened[d]["amount"])
    ]
    assert partly
    assert any(r["outcome"] == "rejected" for r in resolved.values())
    assert set(opened) - set(resolved)


def test_some_account_is_left_with_unapplied_credit(replay: Replay) -> None:
    accounts = [replay.service.account(n) for n in replay.histories]
    assert any(a.unapplied_credit(c) > 0 for a in accounts for c in a.currencies())


def test_payments_without_a_remittance_advice_are_applied_in_full(replay: Replay) -> None:
    """The generator's own books agree with the ledger's: it never overpays by accident."""
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for event in replay.events("PaymentAllocated"):
        for line in event["payload"]["allocations"]:
            allocated[event["payload"]["payment_id"]] += Decimal(line["amount"])
    automatic = [
        s.command
        for s in replay.steps
        if isinstance(s.command, RecordPayment) and not s.command.allocations
    ]
    assert automatic
    assert [p.payment_id for p in automatic if allocated[p.payment_id] != p.amount] == []


def test_steps_come_in_recorded_order_and_never_after_the_last_evening(replay: Replay) -> None:
    moments = [s.recorded_at for s in replay.steps]
    assert moments == sorted(moments)
    assert all(m.tzinfo is not None and m.utcoffset() == timedelta(0) for m in moments)
    assert moments[-1] <= datetime.combine(END, time(23, 59), tzinfo=UTC)
    assert moments[0].date() >= date(2025, 7, 1)


def test_facts_are_never_dated_after_they_are_recorded_and_some_arrive_late(
    replay: Replay,
) -> None:
    dated = [(s.command.effective_on or date.max, s.recorded_at.date()) for s in replay.steps]
    assert [(on, recorded) for on, recorded in dated if on > recorded] == []
    late_payments = [
        s
        for s in replay.steps
        if isinstance(s.command, RecordPayment)
        and (s.recorded_at.date() - s.command.received_on).days >= 2
    ]
    assert late_payments


def test_same_seed_gives_identical_commands_and_another_seed_does_not(replay: Replay) -> None:
    again = portfolio()
    assert again == replay.steps
    assert [s.command.command_id for s in again[:3]] == ["demo:7:1", "demo:7:2", "demo:7:3"]
    assert portfolio(seed=SEED + 1) != replay.steps


def test_calls_are_in_local_office_hours_and_at_most_two_a_week(replay: Replay) -> None:
    zones = {
        s.command.account: ZoneInfo(s.command.timezone)
        for s in replay.steps
        if isinstance(s.command, OpenAccount)
    }
    calls = [
        s.command
        for s in replay.steps
        if isinstance(s.command, RecordContact) and s.command.channel == "call"
    ]
    local = [(c.account, c.at.astimezone(zones[c.account])) for c in calls]
    assert [t for _, t in local if not time(9) <= t.time() < time(18)] == []
    per_week = Counter((account, t.isocalendar()[:2]) for account, t in local)
    assert calls and max(per_week.values()) <= 2


def test_nobody_is_chased_after_ceasing_communication_or_going_to_an_agency(
    replay: Replay,
) -> None:
    stopped: dict[str, datetime] = {}
    chased_after = []
    for step in replay.steps:
        command = step.command
        if isinstance(command, RequestCeaseCommunication | PlaceWithAgency):
            stopped.setdefault(command.account, step.recorded_at)
        elif isinstance(command, RecordContact) and command.account in stopped:
            if command.purpose == "collection":
                chased_after.append(command.contact_id)
    assert stopped and chased_after == []


def test_each_command_comes_from_the_role_that_gives_it(replay: Replay) -> None:
    wrong = [
        (type(s.command).__name__, s.actor)
        for s in replay.steps
        if ROLE_OF_COMMAND.get(type(s.command).__name__, s.actor.role) != s.actor.role
    ]
    assert wrong == []
    agents = {s.actor.actor_id for s in replay.steps if s.actor.role == "agent"}
    assert agents <= {f"agent-{n}" for n in range(1, 6)}


def test_write_offs_above_the_threshold_are_approved_by_a_different_person(
    replay: Replay,
) -> None:
    approved = replay.events("WriteOffApproved")
    requested = {
        e["payload"]["request_id"]: e["actor_id"] for e in replay.events("WriteOffRequested")
    }
    assert approved
    assert [e for e in approved if e["actor_id"] == requested[e["payload"]["request_id"]]] == []
    direct = [e for e in replay.events("InvoiceWrittenOff") if e["payload"]["kind"] == "write_off"]
    small = [e for e in direct if e["payload"]["ref"] not in requested]
    assert small and all(Decimal(e["payload"]["amount"]) <= 1000 for e in small)


def test_a_portfolio_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError):
        next(demo_commands(accounts=3, months=0, seed=1, end=END))
