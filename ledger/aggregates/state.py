"""The mutable parts of an account's state, and the value objects events carry.

State objects are plain dataclasses so that snapshots can store them. They hold what
the account's decisions need: what each invoice owes now (`Invoice.outstanding`, the
one definition of it in the domain), each payment's unapplied credit, open disputes.
The dated `Movement` of each change is kept for the rules that look back (a note or
recovery id used once, a reversal dated after the payment's last movement); "the
account on 31 March, as we knew it on 5 April" is a read model's answer
(`ledger.projections.outstanding`), never a replay.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import PlainValidator

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def made_from(cls: type[T], event: object, **given: Any) -> T:
    """A state object of ``cls`` as the event that makes it says: each field as ``given``,
    else the event's same-named one, else its default."""
    names = (f.name for f in dataclasses.fields(cls))
    return cls(**{name: given[name] if name in given else getattr(event, name)
                  for name in names if name in given or hasattr(event, name)})


def _read_exact(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected Decimal as a string, got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a Decimal") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


ExactDecimal = Annotated[Decimal, PlainValidator(_read_exact)]
"""An amount in an event: exact, so written as its string and read only from one, never
from a JSON number (docs/canonical-encoding.md)."""


@dataclass(frozen=True)
class Allocation:
    invoice_id: str
    amount: ExactDecimal


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    amount: ExactDecimal


@dataclass
class Movement:
    """A signed change to an outstanding amount (invoice) or to unapplied credit (payment)."""

    on: date
    recorded_at: datetime
    kind: str
    amount: Decimal
    ref: str


@dataclass
class Invoice:
    invoice_id: str
    currency: str
    amount: Decimal
    issue_date: date
    due_date: date
    reference: str
    movements: list[Movement] = field(default_factory=list)
    debit_notes: Decimal = Decimal(0)
    credit_notes: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    written_off: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    disputed: Decimal = Decimal(0)
    dunning_levels: list[str] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        """Amount + debit notes − credit notes − allocated − written off (docs/domain.md)."""
        return (
            self.amount + self.debit_notes - self.credit_notes - self.allocated - self.written_off
        )

    @property
    def undisputed(self) -> Decimal:
        return self.outstanding - self.disputed

    @property
    def ceiling(self) -> Decimal:
        return self.amount + self.debit_notes



@dataclass
class Payment:
    payment_id: str
    currency: str
    amount: Decimal
    received_on: date
    reference: str
    allocations: dict[str, Decimal] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    reversed: bool = False

    @property
    def allocated(self) -> Decimal:
        return sum(self.allocations.values(), Decimal(0))

    @property
    def refunded(self) -> Decimal:
        """Credit paid back to the customer (`CreditRefunded`), kept as the payment's
        ``refund`` movements, so a snapshot taken before refunds existed still holds."""
        return -sum((m.amount for m in self.movements if m.kind == "refund"), Decimal(0))

    @property
    def unapplied(self) -> Decimal:
        return Decimal(0) if self.reversed else self.amount - self.allocated - self.refunded



@dataclass
class Dispute:
    dispute_id: str
    invoice_id: str
    amount: Decimal
    reason: str
    opened_on: date
    opened_at: datetime
    status: str = "open"
    outcome: str | None = None
    credited: Decimal = Decimal(0)
    resolved_on: date | None = None
    resolved_at: datetime | None = None
    reason_code: str = "other"
    owner: str | None = None



@dataclass
class Promise:
    promise_id: str
    currency: str
    amount: Decimal
    made_on: date
    due_date: date
    grace_days: int
    status: str = "open"
    resolved_on: date | None = None


@dataclass
class PaymentPlan:
    plan_id: str
    currency: str
    agreed_on: date
    grace_days: int
    instalments: list[Instalment]
    missed: list[int] = field(default_factory=list)
    status: str = "active"

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal(0))


@dataclass
class Settlement:
    settlement_id: str
    currency: str
    amount: Decimal
    due_by: date
    invoice_ids: list[str]
    proposed_on: date
    requested_by: str
    status: str = "agreed"
    resolved_on: date | None = None


@dataclass
class WriteOffRequest:
    request_id: str
    invoice_id: str
    amount: Decimal
    reason: str
    requested_by: str
    status: str = "pending"
    decided_by: str | None = None
    requested_on: date | None = None


@dataclass
class Task:
    task_id: str
    kind: str
    owner: str | None
    due_date: date
    due_time: str | None
    created_on: date
    rule: str | None = None
    status: str = "open"


@dataclass
class ContactRecord:
    contact_id: str
    channel: str
    outcome: str
    at: datetime
    purpose: str
    agent_id: str
