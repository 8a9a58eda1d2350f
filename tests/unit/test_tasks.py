"""Tasks: created, reassigned, completed and cancelled by people, and raised by the daily
tick's rules (a promise due tomorrow, a promise broken, an instalment missed), once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.aggregates.errors import DuplicateId, InvalidDates, TaskNotFound, TaskNotOpen
from ledger.commands.accounts import AssignAgent
from ledger.commands.base import Actor
from ledger.commands.collections import AgreePaymentPlan, InstalmentLine, MakePromise, ProcessDay
from ledger.commands.tasks import CancelTask, CompleteTask, CreateTask, ReassignTask
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of, rejected

TODAY = date(2026, 2, 2)
SYSTEM = Actor("system", "system")


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    service.execute(AssignAgent(account=ACCOUNT, agent_id=AGENT.actor_id), MANAGER)
    return service


def create(service: LedgerService, task_id: str = "TSK-1", **given: object) -> None:
    fields: dict[str, object] = {"kind": "callback", "due_date": TODAY + timedelta(days=1),
                                 "note": "call back after lunch", "effective_on": TODAY}
    service.execute(CreateTask(account=ACCOUNT, task_id=task_id, **(fields | given)), AGENT)


def payloads(service: LedgerService, event_type: str) -> list[dict[str, object]]:
    return [e["payload"] for e in events_of(service, event_type)]


def tick(service: LedgerService, day: date) -> None:
    service.execute(ProcessDay(account=ACCOUNT, day=day), SYSTEM)


def test_a_created_task_is_owned_by_its_creator_unless_named(account: LedgerService) -> None:
    create(account, due_time="14:30")
    create(account, "TSK-2", owner="agent-2")

    tasks = account.account(ACCOUNT).tasks
    assert (tasks["TSK-1"].owner, tasks["TSK-1"].due_time) == ("agent-1", "14:30")
    assert tasks["TSK-2"].owner == "agent-2"
    assert [e["rule"] for e in payloads(account, "TaskCreated")] == [None, None]


def test_a_task_due_before_it_is_created_is_refused(account: LedgerService) -> None:
    with rejected(account, InvalidDates):
        create(account, due_date=TODAY - timedelta(days=1))


def test_a_task_id_is_used_once(account: LedgerService) -> None:
    create(account)
    with rejected(account, DuplicateId):
        create(account)


def test_completing_a_completed_task_is_refused(account: LedgerService) -> None:
    create(account)
    account.execute(CompleteTask(account=ACCOUNT, task_id="TSK-1", note="paid"), AGENT)

    with rejected(account, TaskNotOpen):
        account.execute(CompleteTask(account=ACCOUNT, task_id="TSK-1"), AGENT)
    assert account.account(ACCOUNT).tasks["TSK-1"].status == "completed"


def test_reassigning_a_cancelled_task_is_refused(account: LedgerService) -> None:
    create(account)
    account.execute(CancelTask(account=ACCOUNT, task_id="TSK-1", note="not needed"), AGENT)

    with rejected(account, TaskNotOpen):
        account.execute(ReassignTask(account=ACCOUNT, task_id="TSK-1", owner="agent-2"),
                        MANAGER)


def test_a_reassignment_records_the_previous_owner(account: LedgerService) -> None:
    create(account)
    account.execute(ReassignTask(account=ACCOUNT, task_id="TSK-1", owner="agent-2",
                                 note="on holiday"), MANAGER)

    (moved,) = payloads(account, "TaskReassigned")
    assert (moved["owner"], moved["previous_owner"]) == ("agent-2", "agent-1")


def test_an_unknown_task_is_not_found(account: LedgerService) -> None:
    with rejected(account, TaskNotFound):
        account.execute(CompleteTask(account=ACCOUNT, task_id="TSK-9"), AGENT)


def promise(service: LedgerService, due: date, made_on: date = TODAY) -> None:
    service.execute(MakePromise(account=ACCOUNT, promise_id="PTP-1", amount=Decimal("500.00"),
                                currency="USD", due_date=due, effective_on=made_on), AGENT)


def test_a_promise_due_tomorrow_raises_one_callback_however_often_the_tick_runs(
        account: LedgerService) -> None:
    promise(account, TODAY + timedelta(days=1))

    tick(account, TODAY)
    tick(account, TODAY)

    (raised,) = payloads(account, "TaskCreated")
    assert (raised["task_id"], raised["kind"], raised["owner"], raised["due_date"],
            raised["rule"]) == ("due:PTP-1", "callback", "agent-1", TODAY.isoformat(),
                                "promise-due-tomorrow")


def test_a_promise_due_later_raises_nothing_yet(account: LedgerService) -> None:
    promise(account, TODAY + timedelta(days=5))
    tick(account, TODAY)

    assert payloads(account, "TaskCreated") == []


def test_a_broken_promise_raises_a_follow_up_once(account: LedgerService) -> None:
    promise(account, TODAY)
    broken_on = TODAY + timedelta(days=1)

    tick(account, broken_on)
    tick(account, broken_on)
    tick(account, broken_on + timedelta(days=1))

    assert [e["task_id"] for e in payloads(account, "TaskCreated")] == ["broken:PTP-1"]
    assert account.account(ACCOUNT).tasks["broken:PTP-1"].kind == "follow_up"


def test_a_missed_instalment_raises_a_follow_up_once(account: LedgerService) -> None:
    account.execute(AgreePaymentPlan(
        account=ACCOUNT, plan_id="PLN-1", currency="USD", effective_on=TODAY,
        instalments=(InstalmentLine(due_date=TODAY, amount=Decimal("300.00")),
                     InstalmentLine(due_date=TODAY + timedelta(days=30),
                                    amount=Decimal("300.00")))), AGENT)

    tick(account, TODAY + timedelta(days=1))
    tick(account, TODAY + timedelta(days=2))

    (raised,) = payloads(account, "TaskCreated")
    assert (raised["task_id"], raised["rule"], raised["about"]) == (
        "missed:PLN-1.1", "instalment-missed", "PLN-1.1")
