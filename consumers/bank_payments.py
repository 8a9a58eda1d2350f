"""The bank's payment feed (``bank.payments.v1``): one payment received per message.

The format is documented in docs/feeds.md. The bank's transaction id is the message's
external id and plays the part the bank reference plays in the remittance import: it
keys the command id, is the payment's reference (unique per account, so the same
payment arriving by file and by feed is recorded once) and, when it is a valid id,
the payment id (`ledger.imports.payments.payment_id_for`).

A message naming an invoice gets as much of its amount allocated to that invoice as
the invoice can take, the rest staying unapplied credit, decided against the ledger as
the remittance import decides it (`ledger.imports.preparation`).
"""

from __future__ import annotations

from consumers.feed_messages import (
    BusinessDate,
    CurrencyCode,
    ExternalId,
    ExternalText,
    Feed,
    FeedMessage,
    Money,
    Rejected,
    feed_command_id,
    json_object,
    validated,
)
from ledger.commands.base import Actor
from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports.payments import DEFAULT_METHOD, payment_id_for
from ledger.imports.plan import PlannedRow
from ledger.imports.preparation import prepare
from ledger.service import LedgerService

FEED = "bank-payments"
ACTOR = Actor("bank-feed", "service")
NOTHING_TO_PAY = "nothing-to-pay"


class BankPayment(FeedMessage):
    transaction_id: ExternalText
    account: ExternalId
    amount: Money
    currency: CurrencyCode
    received_on: BusinessDate
    invoice_id: ExternalId | None = None
    method: ExternalId = DEFAULT_METHOD


def payment_command(value: bytes | None, origin: str) -> RecordPayment:
    """The command a message asks for, allocating its whole amount to the invoice it
    names; ``origin`` is the correlation id when it has none.

    Raises `Rejected` when the message is not a valid ``bank.payments.v1`` message.
    """
    message = validated(BankPayment, json_object(value))
    return record_payment(message, origin)


def record_payment(message: BankPayment, origin: str) -> RecordPayment:
    allocations = (
        (AllocationLine(invoice_id=message.invoice_id, amount=message.amount),)
        if message.invoice_id
        else ()
    )
    return RecordPayment(
        account=message.account,
        command_id=feed_command_id(FEED, message.transaction_id),
        correlation_id=message.correlation_id or origin,
        payment_id=payment_id_for(message.transaction_id),
        amount=message.amount,
        currency=message.currency,
        received_on=message.received_on,
        reference=message.transaction_id,
        method=message.method,
        allocations=allocations,
    )


def fitted(service: LedgerService, payment: RecordPayment) -> RecordPayment:
    """The payment with its allocation cut to what the named invoice can take now (or, for
    a payment recorded before, as it was first recorded, so a repeat is still a repeat)."""
    rows, unfit = prepare(service, [PlannedRow(0, (payment,))])
    if unfit:
        raise Rejected(NOTHING_TO_PAY, unfit[0].message)
    (fitted_payment,) = rows[0].commands
    assert isinstance(fitted_payment, RecordPayment)
    return fitted_payment


def _command_for(service: LedgerService, value: bytes | None, origin: str) -> RecordPayment:
    return fitted(service, payment_command(value, origin))


BANK_PAYMENTS = Feed(FEED, ACTOR, _command_for)
