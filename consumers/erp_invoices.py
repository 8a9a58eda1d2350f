"""The ERP's invoice feed (``erp.invoices.v1``): one issued invoice per message.

The format is documented in docs/feeds.md. The ERP's invoice number is the message's
external id: it is the invoice id in the ledger and, with the feed's name, keys the
command id, so a re-sent invoice is recognised and a changed one is a conflict. Unlike
the open-items import, the feed never opens accounts: an invoice for an account the
ledger does not know is dead-lettered (``account-not-found``) until the account exists.
"""

from __future__ import annotations

from datetime import date

from consumers.feed_messages import (
    BusinessDate,
    CurrencyCode,
    ExternalId,
    Feed,
    FeedMessage,
    Money,
    Text,
    feed_command_id,
    json_object,
    validated,
)
from ledger.commands.base import Actor
from ledger.commands.receivables import IssueInvoice
from ledger.service import LedgerService

FEED = "erp-invoices"
ACTOR = Actor("erp-feed", "service")


class ErpInvoice(FeedMessage):
    invoice_id: ExternalId
    account: ExternalId
    amount: Money
    currency: CurrencyCode
    issue_date: BusinessDate
    due_date: BusinessDate | None = None
    reference: Text = ""


def invoice_command(value: bytes | None, origin: str) -> IssueInvoice:
    """The command a message asks for; ``origin`` is the correlation id when it has none.

    Raises `Rejected` when the message is not a valid ``erp.invoices.v1`` message.
    """
    message = validated(ErpInvoice, json_object(value))
    return issue_invoice(message, origin)


def issue_invoice(message: ErpInvoice, origin: str) -> IssueInvoice:
    due: date | None = message.due_date
    return IssueInvoice(
        account=message.account,
        command_id=feed_command_id(FEED, message.invoice_id),
        correlation_id=message.correlation_id or origin,
        invoice_id=message.invoice_id,
        amount=message.amount,
        currency=message.currency,
        issue_date=message.issue_date,
        due_date=due,
        reference=message.reference,
    )


def _command_for(service: LedgerService, value: bytes | None, origin: str) -> IssueInvoice:
    return invoice_command(value, origin)


ERP_INVOICES = Feed(FEED, ACTOR, _command_for)
