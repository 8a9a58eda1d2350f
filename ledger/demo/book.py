"""What the generator believes the ledger holds for one account.

The generator only gives commands the ledger accepts, so before each command it
asks this book what is owed, disputed, promised or settled. The book mirrors
the ledger's own rules where they move money or gate a command: automatic
allocation (undisputed part, oldest due date first), settlement completion
(the rest written off as a discount) and dunning's credit hold at 60 days past
due. It is updated in the order the ledger will learn the facts (recorded
time), because that is the order in which the ledger applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ZERO = Decimal(0)
CREDIT_HOLD_DAYS = 60
ACTIVE_SETTLEMENT = ("pending_approval", "agreed")
Lines = list[tuple[str, Decimal]]


@dataclass
class OpenItem:
    invoice_id: str
    currency: str
    amount: Decimal
    issue_date: date
    due_date: date
    credited: Decimal = ZERO
    allocated: Decimal = ZERO
    written_off: Decimal = ZERO
    recovered: Decimal = ZERO
    disputed: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.credited - self.allocated - self.written_off

    @property
    def undisputed(self) -> Decimal:
        return self.outstanding - self.disputed

    def days_past_due(self, day: date) -> int:
        return (day - self.due_date).days


@dataclass
class Receipt:
    currency: str
    amount: Decimal
    received_on: date
    allocated: Decimal = ZERO

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.allocated


@dataclass
class SettlementTerms:
    currency: str
    amount: Decimal
    due_by: date
    proposed_on: date
    covered: tuple[str, ...]
    status: str


class AccountBook:
    def __init__(self, terms_days: int, credit_limit: Decimal) -> None:
        self.terms_days = terms_days
        self.credit_limit = credit_limit
        self.invoices: dict[str, OpenItem] = {}
        self.receipts: dict[str, Receipt] = {}
        self.disputes: dict[str, tuple[str, Decimal]] = {}
        self.settlement: SettlementTerms | None = None
        self.held = self.agency = self.cease = False
        self.promise_deadline: date | None = None
        self.plan_ends: date | None = None
        self.last_tick: date | None = None
        self.last_conversation: date | None = None

    def outstanding(self, currency: str) -> Decimal:
        return sum((i.outstanding for i in self.in_currency(currency)), ZERO)

    def undisputed(self, currency: str) -> Decimal:
        return sum((i.undisputed for i in self.in_currency(currency)), ZERO)

    def overdue(self, currency: str, day: date) -> Decimal:
        """The undisputed part of what is past due: what an agent may chase."""
        return sum((i.undisputed for i in self.in_currency(currency) if i.due_date < day), ZERO)

    def oldest_overdue_days(self, day: date) -> int:
        ages = [i.days_past_due(day) for i in self.invoices.values() if i.undisputed > 0]
        return max([0, *ages])

    def in_currency(self, currency: str) -> list[OpenItem]:
        return [i for i in self.invoices.values() if i.currency == currency]

    def oldest_first(self, currency: str) -> list[OpenItem]:
        items = [i for i in self.in_currency(currency) if i.undisputed > 0]
        return sorted(items, key=lambda i: (i.due_date, i.issue_date, i.invoice_id))

    def collection_paused(self) -> bool:
        """Cease-communication or an agency placement: no collection calls, no dunning."""
        return self.cease or self.agency

    def promise_slot_free(self) -> bool:
        """True once a tick after the last promise's deadline has surely resolved it."""
        deadline, tick = self.promise_deadline, self.last_tick
        return deadline is None or (tick is not None and deadline < tick)

    def under_arrangement(self, day: date) -> bool:
        """A plan still running or a settlement still open: agents seek no new promise."""
        if self.plan_ends is not None and day <= self.plan_ends:
            return True
        return self.settlement is not None and self.settlement.status in ACTIVE_SETTLEMENT

    def received_between(self, currency: str, start: date, end: date) -> Decimal:
        return sum(
            (
                r.amount
                for r in self.receipts.values()
                if r.currency == currency and start <= r.received_on <= end
            ),
            ZERO,
        )

    def issue(self, invoice_id: str, currency: str, amount: Decimal, issued: date) -> OpenItem:
        due = issued + timedelta(days=self.terms_days)
        self.invoices[invoice_id] = OpenItem(invoice_id, currency, amount, issued, due)
        return self.invoices[invoice_id]

    def receive(
        self, payment_id: str, currency: str, cash: Decimal, day: date, explicit: Lines
    ) -> Lines:
        """Record a payment as the ledger will: explicit lines, or oldest due first."""
        self.receipts[payment_id] = Receipt(currency, cash, day)
        lines = explicit or self.automatic_lines(currency, cash)
        self.allocate(payment_id, lines)
        self.review(day)
        return lines

    def automatic_lines(self, currency: str, cash: Decimal) -> Lines:
        lines: Lines = []
        for item in self.oldest_first(currency):
            if cash <= 0:
                break
            take = min(cash, item.undisputed)
            lines.append((item.invoice_id, take))
            cash -= take
        return lines

    def allocate(self, payment_id: str, lines: Lines) -> None:
        for invoice_id, amount in lines:
            self.invoices[invoice_id].allocated += amount
            self.receipts[payment_id].allocated += amount

    def review(self, day: date) -> None:
        """Settlement completion or breach, as the ledger reviews it on payments and ticks."""
        terms = self.settlement
        if terms is None or terms.status != "agreed":
            return
        end = min(day, terms.due_by)
        if self.received_between(terms.currency, terms.proposed_on, end) >= terms.amount:
            terms.status = "completed"
            for invoice_id in terms.covered:
                item = self.invoices[invoice_id]
                item.written_off += max(item.undisputed, ZERO)
        elif day > terms.due_by:
            terms.status = "breached"

    def tick(self, day: date) -> None:
        self.review(day)
        self.last_tick = day
        if self.held or self.collection_paused():
            return
        self.held = any(
            i.outstanding > 0 and i.disputed == 0 and i.days_past_due(day) >= CREDIT_HOLD_DAYS
            for i in self.invoices.values()
        )

    def open_dispute(self, dispute_id: str, invoice_id: str, amount: Decimal) -> None:
        self.disputes[dispute_id] = (invoice_id, amount)
        self.invoices[invoice_id].disputed += amount

    def resolve_dispute(self, dispute_id: str, credited: Decimal) -> None:
        invoice_id, amount = self.disputes.pop(dispute_id)
        self.invoices[invoice_id].disputed -= amount
        self.invoices[invoice_id].credited += credited

    def agree_settlement(
        self, currency: str, amount: Decimal, due_by: date, day: date, pending: bool
    ) -> None:
        covered = tuple(
            sorted(i.invoice_id for i in self.in_currency(currency) if i.outstanding > 0)
        )
        status = "pending_approval" if pending else "agreed"
        self.settlement = SettlementTerms(currency, amount, due_by, day, covered, status)
