"""Events as an earlier release stored them, before its commands refused such input.

Today's commands reject an amount of 10^23 or a NUL in a reference, but a store written
by an earlier release may already hold them, and the read side must live with that. These
builders record the event through the aggregate itself, around the commands' checks,
and save it through the eventsourcing application: a well-formed event with a valid
hash chain, exactly as it would have been stored then.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from ledger.aggregates import CommandContext, account_id_for
from ledger.aggregates.invoices import InvoiceIssued
from ledger.policies import Policies
from ledger.service import LedgerService

HUGE = "100000000000000000000000.00"
"""10^23: a Decimal the ledger holds, 10^25 cents no BIGINT column does."""
NUL_REFERENCE = "a\u0000b"


def invoice_from_earlier_release(
    service: LedgerService,
    number: str,
    invoice_id: str,
    amount: str = "100.00",
    *,
    reference: str = "",
    currency: str = "USD",
    issue_date: date = date(2026, 1, 1),
) -> int:
    """Store an ``InvoiceIssued`` as given, unchecked; return its log position."""
    account = service.app.get_account(account_id_for(number))
    command_id = str(uuid.uuid4())
    context = CommandContext(
        actor_id="erp", actor_role="service", command_id=command_id,
        correlation_id=command_id, effective_on=issue_date, recorded_at=service.clock(),
        policies=Policies(),
    )
    account._record(
        InvoiceIssued, context, invoice_id=invoice_id, currency=currency,
        amount=Decimal(amount), issue_date=issue_date,
        due_date=issue_date + timedelta(days=30), reference=reference,
    )
    recordings = service.app.save(account)
    return int(recordings[-1].notification.id)
