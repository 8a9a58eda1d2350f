"""Command ids and expected versions: retries are safe, stale writers are stopped.

A command id seen again with the same content returns the original result and
writes nothing; with different content it is a conflict. ``expected_version``
is the caller's If-Match. Batches are all-or-nothing unless told otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.aggregates.errors import (
    DuplicateId,
    IdempotencyConflict,
    InvalidAmount,
    NotAuthorised,
    VersionMismatch,
)
from ledger.commands.collections import WriteOff
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER
from tests.unit.given import ACCOUNT, an_account, event_types, rejected, store_position


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    return service


def invoice(invoice_id: str = "INV-1", amount: str = "100.00", **fields: object) -> IssueInvoice:
    return IssueInvoice.model_validate(
        {
            "account": ACCOUNT,
            "invoice_id": invoice_id,
            "amount": Decimal(amount),
            "currency": "USD",
            "issue_date": date(2026, 1, 1),
        }
        | fields
    )


def test_repeated_command_returns_the_original_result_and_writes_nothing(
    account: LedgerService,
) -> None:
    first = account.execute(invoice(command_id="cmd-1"), MANAGER)
    written = store_position(account)

    again = account.execute(invoice(command_id="cmd-1"), MANAGER)

    assert store_position(account) == written
    assert again.replayed is True and first.replayed is False
    assert (again.command_id, again.version, again.position, again.events) == (
        first.command_id,
        first.version,
        first.position,
        first.events,
    )
    assert event_types(account).count("InvoiceIssued") == 1


def test_repeated_command_is_recognised_whoever_sends_it_and_whatever_its_correlation(
    account: LedgerService,
) -> None:
    first = account.execute(invoice(command_id="cmd-1", correlation_id="a"), MANAGER)
    written = store_position(account)

    again = account.execute(invoice(command_id="cmd-1", correlation_id="b"), AGENT)

    assert store_position(account) == written
    assert again.position == first.position


def test_repeated_command_after_later_changes_still_returns_its_original_result(
    account: LedgerService,
) -> None:
    first = account.execute(invoice(command_id="cmd-1"), MANAGER)
    account.execute(invoice("INV-2", command_id="cmd-2"), MANAGER)

    again = account.execute(invoice(command_id="cmd-1"), MANAGER)

    assert again.version == first.version
    assert account.account(ACCOUNT).version == first.version + 1


def test_same_command_id_with_different_content_is_a_conflict(account: LedgerService) -> None:
    account.execute(invoice(command_id="cmd-1"), MANAGER)

    with rejected(account, IdempotencyConflict):
        account.execute(invoice(amount="100.01", command_id="cmd-1"), MANAGER)


def test_same_command_id_for_another_command_type_is_a_conflict(account: LedgerService) -> None:
    account.execute(invoice(command_id="cmd-1"), MANAGER)
    payment = RecordPayment(
        account=ACCOUNT,
        payment_id="PAY-1",
        amount=Decimal("1"),
        currency="USD",
        received_on=date(2026, 1, 2),
        command_id="cmd-1",
    )

    with rejected(account, IdempotencyConflict):
        account.execute(payment, MANAGER)


def test_rejected_command_is_not_remembered_so_its_retry_is_judged_again(
    account: LedgerService,
) -> None:
    account.execute(invoice(), MANAGER)
    write_off = WriteOff(
        account=ACCOUNT,
        invoice_id="INV-1",
        amount=Decimal("10.00"),
        reason="small balance",
        command_id="wo-1",
    )
    with rejected(account, NotAuthorised):
        account.execute(write_off, AGENT)

    result = account.execute(write_off, MANAGER)

    assert (result.replayed, result.events) == (False, ("InvoiceWrittenOff",))


def test_different_command_ids_for_the_same_invoice_are_refused_by_the_domain(
    account: LedgerService,
) -> None:
    account.execute(invoice(command_id="cmd-1"), MANAGER)

    with rejected(account, DuplicateId):
        account.execute(invoice(command_id="cmd-2"), MANAGER)


def test_expected_version_that_matches_is_accepted(account: LedgerService) -> None:
    version = account.account(ACCOUNT).version

    result = account.execute(invoice(expected_version=version), MANAGER)

    assert result.version == version + 1


def test_retry_of_a_command_with_its_original_expected_version_replays_it(
    account: LedgerService,
) -> None:
    """A client retrying after a lost response must get its result, not a version error."""
    version = account.account(ACCOUNT).version
    first = account.execute(invoice(command_id="cmd-1", expected_version=version), MANAGER)
    account.execute(invoice("INV-2"), MANAGER)

    again = account.execute(invoice(command_id="cmd-1", expected_version=version), MANAGER)

    assert (again.replayed, again.position) == (True, first.position)


@pytest.mark.parametrize("offset", [-1, 1])
def test_expected_version_mismatch_is_refused(account: LedgerService, offset: int) -> None:
    account.execute(invoice("INV-1"), MANAGER)
    version = account.account(ACCOUNT).version

    with rejected(account, VersionMismatch):
        account.execute(invoice("INV-2", expected_version=version + offset), MANAGER)


def test_batch_with_one_invalid_command_writes_nothing_and_reports_it_by_position(
    account: LedgerService,
) -> None:
    before = store_position(account)

    report = account.execute_batch(
        [invoice("INV-1"), invoice("INV-2", "0"), invoice("INV-3")], MANAGER
    )

    assert report.written is False
    assert list(report.errors) == [1]
    assert isinstance(report.errors[1], InvalidAmount)
    assert store_position(account) == before


def test_batch_skipping_invalid_commands_writes_the_valid_ones(account: LedgerService) -> None:
    report = account.execute_batch(
        [invoice("INV-1"), invoice("INV-2", "0"), invoice("INV-3")], MANAGER, skip_invalid=True
    )

    assert report.written is True
    assert (sorted(report.results), list(report.errors)) == ([0, 2], [1])
    assert sorted(account.account(ACCOUNT).invoices) == ["INV-1", "INV-3"]


def test_batch_commands_see_the_effects_of_earlier_ones(account: LedgerService) -> None:
    report = account.execute_batch(
        [invoice("INV-1"), invoice("INV-1", command_id="other")], MANAGER
    )

    assert isinstance(report.errors[1], DuplicateId)
    assert report.written is False


def test_command_repeated_within_one_batch_is_carried_out_once(account: LedgerService) -> None:
    before = store_position(account)

    report = account.execute_batch(
        [invoice("INV-1", command_id="cmd-1"), invoice("INV-1", command_id="cmd-1")], MANAGER
    )

    assert report.errors == {}
    assert store_position(account) == before + 1
    assert (report.results[0].replayed, report.results[1].replayed) == (False, True)
    assert report.results[1].position == report.results[0].position


def test_command_id_reused_within_one_batch_for_another_command_is_a_conflict(
    account: LedgerService,
) -> None:
    before = store_position(account)

    report = account.execute_batch(
        [invoice("INV-1", command_id="cmd-1"), invoice("INV-2", command_id="cmd-1")], MANAGER
    )

    assert isinstance(report.errors[1], IdempotencyConflict)
    assert (report.written, store_position(account)) == (False, before)
