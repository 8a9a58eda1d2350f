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

A message **without an account** is a receipt the bank could not place: it goes through
cash application as a statement's line does (`ledger.cash.application`), identified by
the transaction id (the bank reference), matched by the rules, applied or left in the
unidentified queue; the same message again finds its receipt and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from consumers.feed_messages import (
    INVALID_MESSAGE,
    BusinessDate,
    CurrencyCode,
    ExternalId,
    ExternalText,
    Feed,
    FeedMessage,
    Money,
    Rejected,
    Text,
    feed_command_id,
    json_object,
    validated,
)
from ledger.cash.application import CashApplication
from ledger.cash.identity import compact
from ledger.cash.statements import StatementLine, StatementParseError
from ledger.cash.statements.model import checked_amount, one_line
from ledger.commands.base import Actor
from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports.payments import DEFAULT_METHOD, payment_id_for
from ledger.service import LedgerService

FEED = "bank-payments"
FEED_FORMAT = "feed"
"""A receipt's ``statement_format`` when it came from this feed."""
ACTOR = Actor("bank-feed", "service")


class BankPayment(FeedMessage):
    transaction_id: ExternalText
    account: ExternalId | None = None
    amount: Money
    currency: CurrencyCode
    received_on: BusinessDate
    invoice_id: ExternalId | None = None
    method: ExternalId = DEFAULT_METHOD
    payer_name: Text = ""
    payer_account: Text = ""
    remittance: Text = ""
    end_to_end_id: Text = ""
    bank_account: Text = ""
    """The ledger's own account the money arrived in (part of the receipt's identity)."""


@dataclass(frozen=True)
class FeedSource:
    """A feed message as the source of a receipt's line (`LineSource`)."""

    format: str
    statement_id: str
    account: str


@dataclass(frozen=True)
class ReceiptArrived:
    """A payment without an account: cash application records and matches it."""

    message: BankPayment
    origin: str

    def carry_out(self, service: LedgerService, actor: Actor) -> bool:
        m = self.message
        try:
            amount = checked_amount(m.amount, m.currency, None)
        except StatementParseError as error:
            raise Rejected(INVALID_MESSAGE, error.rule) from None
        remittance = " ".join(part for part in (m.remittance, m.invoice_id or "") if part)
        line = StatementLine(
            sequence=1, booked_on=m.received_on, value_on=m.received_on, amount=amount,
            currency=m.currency, direction="credit", bank_reference=m.transaction_id,
            end_to_end_id=m.end_to_end_id, counterparty_name=one_line(m.payer_name),
            counterparty_account=compact(m.payer_account), remittance=one_line(remittance))
        source = FeedSource(FEED_FORMAT, m.transaction_id, compact(m.bank_account))
        report = CashApplication(service).import_lines(
            [(source, line)], actor, feed_command_id(FEED, m.transaction_id),
            m.correlation_id or self.origin)
        return report.recorded == 0


def payment_command(value: bytes | None, origin: str) -> RecordPayment | ReceiptArrived:
    """The command a message asks for, its whole amount fitted to the invoice it names;
    without an account, the receipt cash application matches. ``origin`` is the
    correlation id when it has none.

    Raises `Rejected` when the message is not a valid ``bank.payments.v1`` message.
    """
    message = validated(BankPayment, json_object(value))
    if message.account is None:
        return ReceiptArrived(message, origin)
    return record_payment(message, message.account, origin)


def record_payment(message: BankPayment, account: str, origin: str) -> RecordPayment:
    allocations = (
        (AllocationLine(invoice_id=message.invoice_id, amount=message.amount),)
        if message.invoice_id
        else ()
    )
    return RecordPayment(
        account=account,
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


def _command_for(_: LedgerService, value: bytes | None, origin: str
                 ) -> RecordPayment | ReceiptArrived:
    return payment_command(value, origin)


BANK_PAYMENTS = Feed(FEED, ACTOR, _command_for)
