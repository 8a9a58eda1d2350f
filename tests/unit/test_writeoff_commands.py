"""WriteOff, RequestWriteOff, DecideWriteOff (four eyes) and RecordRecovery.

The four-eyes threshold is the default 1000: up to it a manager writes off
directly; above it a write-off is a request that a *different* manager decides.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    AmountExceedsUndisputed,
    DuplicateId,
    FourEyesViolation,
    InvoiceNotFound,
    NotAuthorised,
    RecoveryExceedsWrittenOff,
    RequestNotPending,
    WriteOffNeedsApproval,
    WriteOffRequestNotFound,
)
from ledger.commands.collections import (
    DecideWriteOff,
    OpenDispute,
    RecordRecovery,
    RequestWriteOff,
    WriteOff,
)
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, OTHER_MANAGER
from tests.unit.given import (
    ACCOUNT,
    a_payment,
    an_account,
    an_invoice,
    events_of,
    outstanding,
    rejected,
)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "5000.00")
    return service


def write_off(amount: str, invoice_id: str = "INV-1") -> WriteOff:
    return WriteOff(
        account=ACCOUNT, invoice_id=invoice_id, amount=Decimal(amount), reason="uneconomic"
    )


def request(amount: str, request_id: str = "WO-1", invoice_id: str = "INV-1") -> RequestWriteOff:
    return RequestWriteOff(
        account=ACCOUNT,
        request_id=request_id,
        invoice_id=invoice_id,
        amount=Decimal(amount),
        reason="insolvent",
    )


def decide(approve: bool, request_id: str = "WO-1") -> DecideWriteOff:
    return DecideWriteOff(account=ACCOUNT, request_id=request_id, approve=approve)


def recovery(amount: str, recovery_id: str = "REC-1") -> RecordRecovery:
    return RecordRecovery(
        account=ACCOUNT,
        recovery_id=recovery_id,
        invoice_id="INV-1",
        amount=Decimal(amount),
        received_on=date(2026, 6, 1),
    )


# Direct write-off -------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0.01", "999.99", "1000.00"])
def test_manager_writes_off_directly_up_to_the_threshold(
    account: LedgerService, amount: str
) -> None:
    result = account.execute(write_off(amount), MANAGER)

    assert result.events == ("InvoiceWrittenOff",)
    assert outstanding(account) == Decimal("5000.00") - Decimal(amount)
    (written,) = events_of(account, "InvoiceWrittenOff")
    assert (written["payload"]["kind"], written["payload"]["ref"]) == (
        "write_off",
        result.command_id,
    )


def test_direct_write_off_above_the_threshold_needs_approval(account: LedgerService) -> None:
    with rejected(account, WriteOffNeedsApproval):
        account.execute(write_off("1000.01"), MANAGER)


def test_agent_may_not_write_off_directly(account: LedgerService) -> None:
    with rejected(account, NotAuthorised):
        account.execute(write_off("10.00"), AGENT)


def test_write_off_above_outstanding_is_refused(account: LedgerService) -> None:
    a_payment(account, "PAY-1", "4990.00", date(2026, 1, 5))

    with rejected(account, AmountExceedsOutstanding):
        account.execute(write_off("10.01"), MANAGER)
    account.execute(write_off("10.00"), MANAGER)
    assert outstanding(account) == Decimal("0.00")


def test_write_off_into_the_disputed_part_is_refused(account: LedgerService) -> None:
    account.execute(
        OpenDispute(
            account=ACCOUNT,
            dispute_id="D-1",
            invoice_id="INV-1",
            amount=Decimal("4500"),
            reason="x",
        ),
        AGENT,
    )

    with rejected(account, AmountExceedsUndisputed):
        account.execute(write_off("500.01"), MANAGER)


def test_write_off_of_an_unknown_invoice_is_refused(account: LedgerService) -> None:
    with rejected(account, InvoiceNotFound):
        account.execute(write_off("10.00", "INV-404"), MANAGER)


# Four eyes ----------------------------------------------------------------------------


def test_request_approved_by_a_different_manager_writes_off(account: LedgerService) -> None:
    requested = account.execute(request("3000.00"), AGENT)
    assert requested.events == ("WriteOffRequested",)
    assert outstanding(account) == Decimal("5000.00"), "a request alone changes nothing owed"

    result = account.execute(decide(True), MANAGER)

    assert result.events == ("WriteOffApproved", "InvoiceWrittenOff")
    assert outstanding(account) == Decimal("2000.00")
    decided = account.account(ACCOUNT).write_off_requests["WO-1"]
    assert (decided.status, decided.requested_by, decided.decided_by) == (
        "approved",
        AGENT.actor_id,
        MANAGER.actor_id,
    )
    (written,) = events_of(account, "InvoiceWrittenOff")
    assert written["payload"]["ref"] == "WO-1"


def test_manager_request_approved_by_another_manager_writes_off(account: LedgerService) -> None:
    account.execute(request("3000.00"), MANAGER)

    account.execute(decide(True), OTHER_MANAGER)

    assert outstanding(account) == Decimal("2000.00")


def test_manager_approving_their_own_request_is_refused(account: LedgerService) -> None:
    account.execute(request("3000.00"), MANAGER)

    with rejected(account, FourEyesViolation):
        account.execute(decide(True), MANAGER)
    assert account.account(ACCOUNT).write_off_requests["WO-1"].status == "pending"


def test_agent_approving_a_request_is_refused(account: LedgerService) -> None:
    account.execute(request("3000.00"), MANAGER)

    with rejected(account, NotAuthorised):
        account.execute(decide(True), AGENT)


def test_agent_rejecting_a_request_is_refused(account: LedgerService) -> None:
    account.execute(request("3000.00"), MANAGER)

    with rejected(account, NotAuthorised):
        account.execute(decide(False), AGENT)


def test_rejected_request_writes_nothing_off(account: LedgerService) -> None:
    account.execute(request("3000.00"), AGENT)

    result = account.execute(decide(False), MANAGER)

    assert result.events == ("WriteOffRejected",)
    assert outstanding(account) == Decimal("5000.00")
    assert account.account(ACCOUNT).write_off_requests["WO-1"].status == "rejected"


@pytest.mark.parametrize("first", [True, False], ids=["approved", "rejected"])
def test_deciding_a_request_twice_is_refused(account: LedgerService, first: bool) -> None:
    account.execute(request("3000.00"), AGENT)
    account.execute(decide(first), MANAGER)

    with rejected(account, RequestNotPending):
        account.execute(decide(True), OTHER_MANAGER)


def test_deciding_an_unknown_request_is_refused(account: LedgerService) -> None:
    with rejected(account, WriteOffRequestNotFound):
        account.execute(decide(True, "WO-404"), MANAGER)


def test_reusing_a_request_id_is_refused(account: LedgerService) -> None:
    account.execute(request("100.00"), AGENT)

    with rejected(account, DuplicateId):
        account.execute(request("200.00"), AGENT)


def test_request_above_outstanding_is_refused(account: LedgerService) -> None:
    with rejected(account, AmountExceedsOutstanding):
        account.execute(request("5000.01"), AGENT)


def test_approval_after_a_payment_shrank_the_invoice_below_the_request_is_refused(
    account: LedgerService,
) -> None:
    account.execute(request("3000.00"), AGENT)
    a_payment(account, "PAY-1", "2500.00", date(2026, 1, 5))

    with rejected(account, AmountExceedsOutstanding):
        account.execute(decide(True), MANAGER)


# Recoveries -------------------------------------------------------------------------


def test_recovery_up_to_what_was_written_off_leaves_outstanding_unchanged(
    account: LedgerService,
) -> None:
    account.execute(write_off("800.00"), MANAGER)

    result = account.execute(recovery("300.00", "REC-1"), AGENT)
    account.execute(recovery("500.00", "REC-2"), AGENT)

    invoice = account.account(ACCOUNT).invoices["INV-1"]
    assert result.events == ("WrittenOffAmountRecovered",)
    assert (invoice.written_off, invoice.recovered) == (Decimal("800.00"), Decimal("800.00"))
    assert invoice.outstanding == Decimal("4200.00")
    assert events_of(account, "WrittenOffAmountRecovered")[0]["effective_on"] == "2026-06-01"


def test_recovery_above_what_is_still_written_off_is_refused(account: LedgerService) -> None:
    account.execute(write_off("800.00"), MANAGER)
    account.execute(recovery("300.00", "REC-1"), AGENT)

    with rejected(account, RecoveryExceedsWrittenOff):
        account.execute(recovery("500.01", "REC-2"), AGENT)


def test_recovery_on_an_invoice_never_written_off_is_refused(account: LedgerService) -> None:
    with rejected(account, RecoveryExceedsWrittenOff):
        account.execute(recovery("0.01"), AGENT)


def test_reusing_a_recovery_id_is_refused(account: LedgerService) -> None:
    account.execute(write_off("800.00"), MANAGER)
    account.execute(recovery("100.00"), AGENT)

    with rejected(account, DuplicateId):
        account.execute(recovery("100.00"), AGENT)
