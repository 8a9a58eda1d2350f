"""A payment kept as unapplied credit (``leave_unapplied``): the invoices stay open, the
credit waits for an allocation; naming allocations as well is refused, changing nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.aggregates.errors import InvalidCommand
from ledger.commands.receivables import AllocatePayment, AllocationLine, RecordPayment
from ledger.service import LedgerService
from tests.builders import MANAGER
from tests.unit.given import an_account, an_invoice, outstanding, rejected

DAY = date(2026, 2, 1)


def test_the_payment_waits_as_credit_until_allocated(service: LedgerService) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "300.00")
    service.execute(RecordPayment(account="ACC-1", payment_id="PAY-1", amount=Decimal("100"),
                                  currency="USD", received_on=DAY, leave_unapplied=True),
                    MANAGER)
    assert outstanding(service) == Decimal("300.00")
    assert service.account("ACC-1").unapplied_credit("USD") == Decimal("100")
    service.execute(AllocatePayment(account="ACC-1", payment_id="PAY-1"), MANAGER)
    assert outstanding(service) == Decimal("200.00")


def test_leaving_unapplied_names_no_allocations(service: LedgerService) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "300.00")
    with rejected(service, InvalidCommand):
        service.execute(RecordPayment(
            account="ACC-1", payment_id="PAY-1", amount=Decimal("100"), currency="USD",
            received_on=DAY, leave_unapplied=True,
            allocations=(AllocationLine(invoice_id="INV-1", amount=Decimal("1")),)), MANAGER)


def test_a_payment_sent_before_the_option_existed_is_the_same_payment() -> None:
    sent = RecordPayment(account="ACC-1", payment_id="PAY-1", amount=Decimal("100"),
                         currency="USD", received_on=DAY)
    assert "leave_unapplied" not in sent.content()
