"""An overdue task raises its account on the worklist, and the score says so."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ledger.commands.tasks import CompleteTask, CreateTask
from tests.builders import AGENT
from tests.unit.test_worklist import DAY, TEN_DAYS_LATE, Desk, desk, item, ranked

__all__ = ["desk"]


def test_an_overdue_task_raises_the_account_with_its_component(desk: Desk) -> None:
    desk.debtor("ACC-A", ("1000.00", TEN_DAYS_LATE))
    desk.debtor("ACC-B", ("1000.00", TEN_DAYS_LATE))
    desk.run(CreateTask(account="ACC-B", task_id="TSK-1", kind="callback",
                        due_date=DAY - timedelta(days=2), effective_on=DAY - timedelta(days=3)),
             AGENT)

    worklist = desk.worklist()

    assert ranked(worklist) == ["ACC-B", "ACC-A"]
    assert item(worklist, "ACC-B").components["overdue_tasks"] == Decimal("30")
    assert item(worklist, "ACC-A").components["overdue_tasks"] == 0
    assert item(desk.worklist(day=DAY - timedelta(days=2)), "ACC-B").components[
        "overdue_tasks"] == 0, "not overdue on its due date"


def test_a_completed_task_no_longer_raises_the_account(desk: Desk) -> None:
    desk.debtor("ACC-B", ("1000.00", TEN_DAYS_LATE))
    desk.run(CreateTask(account="ACC-B", task_id="TSK-1", kind="review",
                        due_date=DAY - timedelta(days=2), effective_on=DAY - timedelta(days=3)),
             AGENT)
    desk.run(CompleteTask(account="ACC-B", task_id="TSK-1", effective_on=DAY), AGENT)

    assert item(desk.worklist(), "ACC-B").components["overdue_tasks"] == 0
