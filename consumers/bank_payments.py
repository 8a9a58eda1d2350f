"""The bank's payment feed (``bank.payments.v1``): one payment received per message.

The format is documented in docs/feeds.md. The bank's transaction id is the message's
external id and plays the part the bank reference plays in the remittance import: it
keys the command id, is the payment's reference (unique per account, so the same
payment arriving by file and by feed is recorded once) and, when it is a valid id,
the payment id (`ledger.imports.payments.payment_id_for`).

A message naming an invoice gets as much of its amount allocated to that invoice as
the invoice can take, the rest staying unapplied credit: the account decides it inside
the command (``RecordPayment.fit_allocations``), as for the remittance import; an
invoice that can take nothing dead-letters the message (``nothing-to-pay``).
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
    feed_command_id,
    json_object,
    validated,
)
from ledger.commands.base import Actor
from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports.payments import DEFAULT_METHOD, payment_id_for
from ledger.service import LedgerService

FEED = "bank-payments"
ACTOR = Actor("bank-feed", "service")


class BankPayment(FeedMessage):
    transaction_id: ExternalText
    account: ExternalId
    amount: Money
    currency: CurrencyCode
    received_on: BusinessDate
    invoice_id: ExternalId | None = None
    method: ExternalId = DEFAULT_METHOD


def payment_command(value: bytes | None, origin: str) -> RecordPayment:
    """The command a message asks for, its whole amount fitted to the invoice it names;
    ``origin`` is the correlation id when it has none.

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
        fit_allocations=bool(allocations),
    )


def _command_for(_: LedgerService, value: bytes | None, origin: str) -> RecordPayment:
    return payment_command(value, origin)


BANK_PAYMENTS = Feed(FEED, ACTOR, _command_for)
