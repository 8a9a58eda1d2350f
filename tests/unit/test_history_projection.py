"""The audit-history read model against the event store it is built from.

Two accounts get invoices, payments (allocated automatically), a dispute, a
promise, a contact and a reversal; the runner follows in batches of three so that
events of one command land in different batches. Each account's rows must be the
store's history item by item, pages must cover it exactly once, and a rebuild from
the log must give the very same rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from ledger.aggregates import account_id_for
from ledger.aggregates.errors import AccountNotFound, InvalidInput
from ledger.canonical import GENESIS_HASH
from ledger.commands.collections import MakePromise, OpenDispute, RecordContact
from ledger.commands.receivables import ReversePayment
from ledger.projections.history import (
    HistoryEntry,
    HistoryProjection,
    account_history,
    events_between,
)
from ledger.projections.rebuild import rebuild
from ledger.projections.runner import ProjectionRunner
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SteppingClock
from tests.unit.given import a_payment, an_account, an_invoice

ACCOUNTS = ("ACC-1", "ACC-2")


def fill(service: LedgerService, clock: SteppingClock) -> None:
    for number in ACCOUNTS:
        an_account(service, number)
        an_invoice(service, "INV-1", "1000.00", issue_date=date(2026, 1, 2), account=number)
        an_invoice(service, "INV-2", "250.00", issue_date=date(2026, 1, 9), account=number)
        a_payment(service, "PAY-1", "1100.00", date(2026, 2, 3), account=number)
    clock.set_day(date(2026, 2, 5), time(12, 0))
    service.execute(OpenDispute(account="ACC-1", dispute_id="D-1", invoice_id="INV-2",
                                amount=Decimal("50.00"), reason="short delivery"), MANAGER)
    service.execute(MakePromise(account="ACC-2", promise_id="PR-1", amount=Decimal("150.00"),
                                currency="USD", due_date=date(2026, 3, 1)), AGENT)
    service.execute(RecordContact(account="ACC-2", contact_id="C-1", channel="call",
                                  outcome="conversation",
                                  at=datetime(2026, 2, 4, 10, 30, tzinfo=UTC)), AGENT)
    service.execute(ReversePayment(account="ACC-1", payment_id="PAY-1", reason="bounced",
                                   effective_on=date(2026, 2, 5)), MANAGER)


@pytest.fixture
def runner(service: LedgerService, clock: SteppingClock) -> ProjectionRunner:
    fill(service, clock)
    following = ProjectionRunner(service.app, [HistoryProjection()], batch_size=3)
    following.catch_up()
    return following


def history_page(service: LedgerService, runner: ProjectionRunner, account: Any,
                 after_version: int = 0, limit: int = 100) -> Any:
    with service.app.datastore.transaction(commit=False) as session:
        return account_history(session, runner.live["history"], account, after_version, limit)


def all_pages(service: LedgerService, runner: ProjectionRunner, account: str,
              limit: int) -> list[list[HistoryEntry]]:
    pages, cursor = [], 0
    while cursor is not None:
        page = history_page(service, runner, account, cursor, limit)
        pages.append(page.items)
        cursor = page.next_cursor
    return pages


def rows(service: LedgerService, runner: ProjectionRunner) -> list[tuple[Any, ...]]:
    table = HistoryProjection().live()["history"]
    with service.app.datastore.transaction(commit=False) as session:
        return [tuple(row) for row in session.execute(select(table).order_by(table.c.position))]


@pytest.mark.parametrize("number", ACCOUNTS)
def test_history_rows_are_the_stores_history_item_by_item(
    service: LedgerService, runner: ProjectionRunner, number: str
) -> None:
    page = history_page(service, runner, number)

    expected = list(service.history(number))
    assert [entry.record() for entry in page.items] == expected
    assert [entry.hash for entry in page.items] == [item["hash"] for item in expected]
    assert page.next_cursor is None


def test_history_rows_keep_the_hash_chain_of_each_account(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    items = history_page(service, runner, "ACC-1").items

    assert items[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in items[1:]] == [e.hash for e in items[:-1]]
    assert {e.type for e in items} >= {"PaymentAllocated", "DisputeOpened", "PaymentReversed"}


def test_history_can_be_asked_for_by_account_id_as_well_as_number(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    by_number = history_page(service, runner, "ACC-2").items
    by_id = history_page(service, runner, account_id_for("ACC-2")).items
    by_id_text = history_page(service, runner, str(account_id_for("ACC-2"))).items

    assert by_number == by_id == by_id_text
    assert {e.account_id for e in by_number} == {str(account_id_for("ACC-2"))}


def test_pages_cover_every_event_exactly_once_in_version_order(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    pages = all_pages(service, runner, "ACC-1", limit=3)

    versions = [entry.version for page in pages for entry in page]
    assert versions == list(range(1, len(list(service.history("ACC-1"))) + 1))
    assert all(len(page) == 3 for page in pages[:-1])


def test_a_cursor_gives_the_same_page_after_more_events_arrive(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    first = history_page(service, runner, "ACC-1", limit=3)
    second = history_page(service, runner, "ACC-1", first.next_cursor or 0, limit=3)

    an_invoice(service, "INV-9", "10.00", issue_date=date(2026, 2, 6), account="ACC-1")
    runner.catch_up()

    again = history_page(service, runner, "ACC-1", first.next_cursor or 0, limit=3)
    assert again == second
    last = all_pages(service, runner, "ACC-1", limit=3)[-1]
    assert last[-1].type == "InvoiceIssued"
    assert last[-1].payload["invoice_id"] == "INV-9"


def test_history_of_an_unknown_account_is_refused(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    with pytest.raises(AccountNotFound):
        history_page(service, runner, "NO-SUCH")


def test_a_page_past_the_end_of_a_known_account_is_empty(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    page = history_page(service, runner, "ACC-1", after_version=1000)

    assert (page.items, page.next_cursor) == ([], None)


def test_a_page_size_out_of_bounds_is_refused(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    with pytest.raises(InvalidInput):
        history_page(service, runner, "ACC-1", limit=0)


def test_events_between_walks_the_whole_log_in_position_order(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    exported: list[HistoryEntry] = []
    start = 1
    table = runner.live["history"]
    while True:
        with service.app.datastore.transaction(commit=False) as session:
            batch = events_between(session, table, start, limit=4)
        if not batch:
            break
        exported.extend(batch)
        start = batch[-1].position + 1

    positions = [e.position for e in exported]
    assert positions == sorted(set(positions))
    assert positions[-1] == service.app.recorder.max_notification_id()
    assert sorted((e.account_id, e.version) for e in exported) == sorted(
        (item["account_id"], item["version"])
        for number in ACCOUNTS for item in service.history(number)
    )


def test_rebuild_from_the_log_gives_identical_rows(
    service: LedgerService, runner: ProjectionRunner
) -> None:
    followed = rows(service, runner)

    position = rebuild(service.app, [HistoryProjection()], batch_size=5)

    assert position == service.app.recorder.max_notification_id()
    assert rows(service, runner) == followed
    assert runner.positions() == {"history": position}
