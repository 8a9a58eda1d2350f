"""Requests undecided for longer than the configured days expire on the daily tick.

The limit is the default 14 days: a write-off requested on 1 March may be decided up to
15 March; the tick of 16 March (or any later one) records its expiry, dated 16 March.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.aggregates.errors import ApprovalRequestExpired, RequestNotPending
from ledger.commands.base import Actor
from ledger.commands.collections import (
    AgreeSettlement,
    DecideSettlement,
    DecideWriteOff,
    ProcessDay,
    RequestWriteOff,
)
from ledger.service import LedgerService
from tests.builders import MANAGER, OTHER_MANAGER, make_service
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of, rejected

REQUESTED = date(2026, 3, 1)
SYSTEM = Actor("system", "system")


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "5000.00")
    service.execute(RequestWriteOff(account=ACCOUNT, request_id="WO-1", invoice_id="INV-1",
                                    amount=Decimal("2000.00"), reason="insolvent",
                                    effective_on=REQUESTED), MANAGER)
    return service


def tick(service: LedgerService, days_after_request: int) -> None:
    service.execute(ProcessDay(account=ACCOUNT, day=REQUESTED + timedelta(days_after_request)),
                    SYSTEM)


def decide(service: LedgerService, days_after_request: int, approve: bool = True) -> None:
    service.execute(DecideWriteOff(account=ACCOUNT, request_id="WO-1", approve=approve,
                                   effective_on=REQUESTED + timedelta(days_after_request)),
                    OTHER_MANAGER)


def test_a_request_13_days_old_does_not_expire(account: LedgerService) -> None:
    tick(account, 13)
    tick(account, 14)

    assert events_of(account, "WriteOffRequestExpired") == []
    assert account.account(ACCOUNT).write_off_requests["WO-1"].status == "pending"


def test_a_request_15_days_old_expires_once_dated_the_first_day_past_the_limit(
    account: LedgerService,
) -> None:
    tick(account, 20)
    tick(account, 21)

    [expired] = events_of(account, "WriteOffRequestExpired")
    assert expired["effective_on"] == "2026-03-16"
    assert expired["payload"]["requested_on"] == "2026-03-01"
    assert expired["payload"]["expiry_days"] == 14
    assert account.account(ACCOUNT).write_off_requests["WO-1"].status == "expired"


def test_an_expired_request_cannot_be_approved(account: LedgerService) -> None:
    tick(account, 15)

    with rejected(account, RequestNotPending):
        decide(account, 15)


def test_a_request_past_its_limit_is_refused_by_the_expiry_rule_before_any_tick(
    account: LedgerService,
) -> None:
    with rejected(account, ApprovalRequestExpired) as raised:
        decide(account, 15, approve=False)

    assert "undecided after 14 days" in str(raised.value)
    decide(account, 14)  # backdated to its last day, it is still in time


def test_a_settlement_request_expires_and_frees_the_account_for_another(
    account: LedgerService,
) -> None:
    account.execute(AgreeSettlement(account=ACCOUNT, settlement_id="S-1",
                                    amount=Decimal("1000.00"), currency="USD",
                                    due_by=date(2026, 6, 30), effective_on=REQUESTED), MANAGER)
    tick(account, 15)

    [expired] = events_of(account, "SettlementRequestExpired")
    assert expired["payload"]["settlement_id"] == "S-1"
    with rejected(account, RequestNotPending):
        account.execute(DecideSettlement(account=ACCOUNT, settlement_id="S-1", approve=True,
                                         effective_on=REQUESTED + timedelta(15)), OTHER_MANAGER)
    account.execute(AgreeSettlement(account=ACCOUNT, settlement_id="S-2",
                                    amount=Decimal("4000.00"), currency="USD",
                                    due_by=date(2026, 6, 30)), MANAGER)


def test_the_limit_is_a_setting() -> None:
    service, _ = make_service(approval_expiry_days=3)
    an_account(service)
    an_invoice(service, "INV-1", "5000.00")
    service.execute(RequestWriteOff(account=ACCOUNT, request_id="WO-1", invoice_id="INV-1",
                                    amount=Decimal("2000.00"), reason="insolvent",
                                    effective_on=REQUESTED), MANAGER)
    tick(service, 3)
    assert events_of(service, "WriteOffRequestExpired") == []
    tick(service, 4)
    assert len(events_of(service, "WriteOffRequestExpired")) == 1
