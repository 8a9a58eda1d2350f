"""State and plumbing shared by the account aggregate's topic mixins.

The account is one aggregate (one stream, one hash chain, one version) whose
commands are split by topic into mixins: invoices, payments, disputes,
arrangements, write-offs, contacts, standing. This class holds what they share:
the state they read and `_record`, which stamps every event with its envelope.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.aggregates.envelope import CommandContext, LedgerEvent, payload_of
from ledger.aggregates.errors import (
    DisputeNotFound,
    InvoiceNotFound,
    PaymentNotFound,
)
from ledger.aggregates.state import (
    ContactRecord,
    Dispute,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    Settlement,
    Task,
    WriteOffRequest,
)
from ledger.money import zero


class AccountState:
    number: str
    name: str
    currency: str
    terms_days: int
    credit_limit: Decimal | None
    timezone: str
    segment: str
    agent_id: str | None
    contact: dict[str, str] | None
    invoices: dict[str, Invoice]
    payments: dict[str, Payment]
    disputes: dict[str, Dispute]
    promises: dict[str, Promise]
    plans: dict[str, PaymentPlan]
    settlements: dict[str, Settlement]
    write_off_requests: dict[str, WriteOffRequest]
    tasks: dict[str, Task]
    contacts: list[ContactRecord]
    cease_communication: bool
    agency_id: str | None
    legal_referral: bool
    credit_hold: bool
    personal_data_erased: bool
    head_hash: str
    external_ids: dict[str, str]

    if TYPE_CHECKING:

        @property
        def id(self) -> UUID: ...

        version: int
        modified_on: datetime

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

        def review_arrangements(self, ctx: CommandContext, day: date) -> None: ...

    def init_state(self) -> None:
        self.agent_id = None
        self.contact = None
        self.invoices = {}
        self.payments = {}
        self.disputes = {}
        self.promises = {}
        self.plans = {}
        self.settlements = {}
        self.write_off_requests = {}
        self.tasks = {}
        self.contacts = []
        self.cease_communication = False
        self.agency_id = None
        self.legal_referral = False
        self.credit_hold = False
        self.personal_data_erased = False
        self.external_ids = {}

    def _record(
        self,
        event_class: type[LedgerEvent],
        ctx: CommandContext,
        source: object = None,
        *,
        effective_on: date | None = None,
        **decided: Any,
    ) -> None:
        """Trigger an event stamped with the command's envelope and the chain head; its
        own fields are those ``decided``, the rest copied from ``source`` (`payload_of`).

        Recorded times never go backwards within an account, so that "as known
        at T" is always a prefix of the stream.
        """
        self.trigger_event(
            event_class,
            timestamp=max(ctx.recorded_at, self.modified_on),
            **ctx.envelope(effective_on),
            prev_hash=self.head_hash,
            **payload_of(event_class, source, decided),
        )

    def invoice(self, invoice_id: str) -> Invoice:
        try:
            return self.invoices[invoice_id]
        except KeyError:
            raise InvoiceNotFound(f"invoice {invoice_id!r} not found on {self.number}") from None

    def payment(self, payment_id: str) -> Payment:
        try:
            return self.payments[payment_id]
        except KeyError:
            raise PaymentNotFound(f"payment {payment_id!r} not found on {self.number}") from None

    def dispute(self, dispute_id: str) -> Dispute:
        try:
            return self.disputes[dispute_id]
        except KeyError:
            raise DisputeNotFound(f"dispute {dispute_id!r} not found on {self.number}") from None

    def currencies(self) -> list[str]:
        found = {i.currency for i in self.invoices.values()}
        found |= {p.currency for p in self.payments.values()}
        return sorted(found)

    def outstanding(self, currency: str) -> Decimal:
        return sum(
            (i.outstanding for i in self.invoices.values() if i.currency == currency),
            Decimal(0),
        )

    def unapplied_credit(self, currency: str) -> Decimal:
        return sum(
            (p.unapplied for p in self.payments.values() if p.currency == currency),
            Decimal(0),
        )

    def balance(self, currency: str) -> Decimal:
        return self.outstanding(currency) - self.unapplied_credit(currency)

    def overdue(self, currency: str, on: date) -> Decimal:
        return sum(
            (
                i.outstanding
                for i in self.invoices.values()
                if i.currency == currency and i.due_date < on
            ),
            Decimal(0),
        )

    def received_between(self, currency: str, start: date, end: date) -> Decimal:
        """Cash received (business date) in a window, whatever it paid: promises count this."""
        return sum(
            (
                p.amount
                for p in self.payments.values()
                if p.currency == currency and not p.reversed and start <= p.received_on <= end
            ),
            zero(currency),
        )
