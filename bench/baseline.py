"""The yardstick: the bare eventsourcing library appending the same events.

A minimal ``Aggregate`` whose ``@event`` methods carry the same payload fields as the
ledger's events (ids, Decimal amount, business date, currency, actor, command id) and a
minimal ``Application`` on the same ``eventsourcing_sqlalchemy`` store. No hash chain,
no command log, no domain rules, no snapshots: whatever the ledger is slower by is the
price of those.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, Transcoding

from bench.workload import ACTOR, CURRENCY, Step

DEBTOR_NAMESPACE = UUID("0b6f3d1e-6a57-4c1a-9d55-4f3a2e9b7c10")


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Debtor(Aggregate):
    @staticmethod
    def create_id(number: str, **_: object) -> UUID:
        return uuid5(DEBTOR_NAMESPACE, number)

    @event("Opened")
    def __init__(self, number: str, currency: str, actor_id: str, command_id: str) -> None:
        self.number = number
        self.currency = currency
        self.balance = Decimal(0)

    @event("InvoiceIssued")
    def issue_invoice(
        self,
        invoice_id: str,
        amount: Decimal,
        currency: str,
        issue_date: date,
        actor_id: str,
        command_id: str,
    ) -> None:
        self.balance += amount

    @event("PaymentReceived")
    def receive_payment(
        self,
        payment_id: str,
        amount: Decimal,
        currency: str,
        received_on: date,
        actor_id: str,
        command_id: str,
    ) -> None:
        self.balance -= amount

    @event("PaymentAllocated")
    def allocate_payment(
        self, payment_id: str, invoice_id: str, amount: Decimal, actor_id: str, command_id: str
    ) -> None:
        pass


def debtor_for(step: Step) -> Debtor:
    return Debtor(step.account, CURRENCY, ACTOR.actor_id, step.command_id)


def record(debtor: Debtor, step: Step) -> None:
    """The events of one step, on a debtor that already exists."""
    who = {"actor_id": ACTOR.actor_id, "command_id": step.command_id}
    if step.kind == "invoice":
        debtor.issue_invoice(step.invoice_id, step.amount, CURRENCY, step.issue_date, **who)
    elif step.kind == "payment":
        debtor.receive_payment(step.payment_id, step.amount, CURRENCY, step.received_on, **who)
        debtor.allocate_payment(step.payment_id, step.invoice_id, step.amount, **who)


class BaselineApplication(Application[UUID]):
    name = "baseline"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def carry_out(self, step: Step) -> None:
        """One step, one ``save``: load the debtor (as a command would), record, save."""
        if step.kind == "open":
            self.save(debtor_for(step))
            return
        debtor: Debtor = self.repository.get(Debtor.create_id(step.account))
        record(debtor, step)
        self.save(debtor)

    def import_steps(self, steps: Iterable[Step]) -> None:
        """Many steps, one ``save``: each debtor loaded at most once, like a batch would."""
        debtors: dict[str, Debtor] = {}
        for step in steps:
            if step.kind == "open":
                debtors[step.account] = debtor_for(step)
                continue
            debtor = debtors.get(step.account)
            if debtor is None:
                debtor = self.repository.get(Debtor.create_id(step.account))
                debtors[step.account] = debtor
            record(debtor, step)
        self.save(*debtors.values())
