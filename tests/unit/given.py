"""The "Given" steps of the unit tests: an account, its invoices and payments.

Each step runs a real command through the service, so a test's setup obeys the
same rules as what it tests. Amounts are decimal strings (pydantic makes them
``Decimal``); the default account is in USD, UTC, net 30, opened on 2026-01-01.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor, CommandResult
from ledger.commands.receivables import AllocationLine, IssueInvoice, RecordPayment
from ledger.service import LedgerService
from tests.builders import MANAGER

ACCOUNT = "ACC-1"
OPENED = date(2026, 1, 1)


def an_account(
    service: LedgerService,
    number: str = ACCOUNT,
    *,
    currency: str = "USD",
    timezone: str = "UTC",
    terms_days: int = 30,
    segment: str = "standard",
    actor: Actor = MANAGER,
    contact: dict[str, str] | None = None,
) -> CommandResult:
    return service.execute(
        OpenAccount(
            account=number,
            name=f"Debtor {number}",
            currency=currency,
            timezone=timezone,
            terms_days=terms_days,
            segment=segment,
            effective_on=OPENED,
            contact=contact,
        ),
        actor,
    )


def an_invoice(
    service: LedgerService,
    invoice_id: str = "INV-1",
    amount: str = "1000.00",
    *,
    currency: str = "USD",
    issue_date: date = OPENED,
    due_date: date | None = None,
    account: str = ACCOUNT,
) -> CommandResult:
    return service.execute(
        IssueInvoice(
            account=account,
            invoice_id=invoice_id,
            amount=Decimal(amount),
            currency=currency,
            issue_date=issue_date,
            due_date=due_date,
        ),
        MANAGER,
    )


def a_payment(
    service: LedgerService,
    payment_id: str,
    amount: str,
    received_on: date,
    *,
    currency: str = "USD",
    allocations: Iterable[tuple[str, str]] = (),
    account: str = ACCOUNT,
) -> CommandResult:
    return service.execute(
        RecordPayment(
            account=account,
            payment_id=payment_id,
            amount=Decimal(amount),
            currency=currency,
            received_on=received_on,
            allocations=tuple(
                AllocationLine(invoice_id=invoice_id, amount=Decimal(value))
                for invoice_id, value in allocations
            ),
        ),
        MANAGER,
    )


def store_position(service: LedgerService) -> int:
    """The event store's last notification id: unchanged means nothing was written."""
    return service.app.recorder.max_notification_id() or 0


def account_position(service: LedgerService) -> int:
    """The last notification id of an event not of a compliance stream: a refused contact
    keeps its evidence there (`ContactRefused`), beside the account and not in it."""
    notifications = service.app.recorder.select_notifications(start=1, limit=10**9)
    return max((n.id for n in notifications if COMPLIANCE_TOPIC not in n.topic), default=0)


COMPLIANCE_TOPIC = "ledger.aggregates.contact_compliance:"


@contextmanager
def rejected(service: LedgerService, error: type[Exception]) -> Iterator[Any]:
    """Expect ``error`` from the block, and no event written by it to any account."""
    before = account_position(service)
    with pytest.raises(error) as raised:
        yield raised
    assert account_position(service) == before, "a rejected command wrote events"


def event_types(service: LedgerService, account: str = ACCOUNT) -> list[str]:
    return [event["type"] for event in service.history(account)]


def events_of(service: LedgerService, event_type: str, account: str = ACCOUNT) -> list[Any]:
    return [event for event in service.history(account) if event["type"] == event_type]


def outstanding(
    service: LedgerService, invoice_id: str = "INV-1", account: str = ACCOUNT
) -> Decimal:
    return service.account(account).invoices[invoice_id].outstanding
