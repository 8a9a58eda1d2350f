"""One account with thousands of events: the worst case of reading an account.

An enterprise customer billed every business day over the whole window: each invoice
is paid with an explicit allocation about its terms later (2 events), one in ten gets
a credit note first, one in twenty-five a dispute that is rejected ten days on, one
in five a reminder e-mail. That is about 3.4 events an invoice; invoices still inside
their terms at the end of the window stay open, so the account has something to age.
Steps come out in recorded order, one account, deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from ledger.commands.accounts import AssignAgent, OpenAccount
from ledger.commands.collections import OpenDispute, RecordContact, ResolveDispute
from ledger.commands.receivables import AdjustInvoice, AllocationLine, IssueInvoice, RecordPayment
from ledger.demo import DemoStep
from ledger.demo.steps import ERP, MANAGERS, agent

CURRENCY = "GBP"
TERMS_DAYS = 30
# 1 issued + 2 paid + 0.1 credit + 0.08 dispute + 0.2 e-mail, less what the end cuts off
EVENTS_PER_INVOICE = 3.2
AGENT = agent("agent-1")


@dataclass(frozen=True)
class HeavyAccount:
    number: str
    events: int  # about this many
    start: date
    end: date

    def steps(self) -> Iterator[DemoStep]:
        plan: list[tuple[datetime, int, DemoStep]] = []
        for n, step in enumerate(self._unordered()):
            if step.recorded_at.date() <= self.end:  # a payment is never before its notes
                plan.append((step.recorded_at, n, step))
        plan.sort(key=lambda entry: entry[:2])
        return (step for _, _, step in plan)

    def _unordered(self) -> Iterator[DemoStep]:
        opened = self.start
        yield self._step(opened, 0, ERP, OpenAccount, effective_on=opened,
                         name=f"Heavy Trading {self.number} plc", currency=CURRENCY,
                         terms_days=TERMS_DAYS, timezone="Europe/London", segment="enterprise")
        yield self._step(opened, 1, MANAGERS[0], AssignAgent, effective_on=opened,
                         agent_id=AGENT.actor_id)
        days = [d for d in _days(opened + timedelta(days=1), self.end) if d.weekday() < 5]
        invoices = max(1, round((self.events - 2) / EVENTS_PER_INVOICE))
        for k in range(invoices):
            yield from self._invoice_life(k, days[k * len(days) // invoices])

    def _invoice_life(self, k: int, issued: date) -> Iterator[DemoStep]:
        invoice_id = f"INV-{self.number}-{k:05d}"
        amount = Decimal(1_000 + (k * 7_919) % 9_000) + Decimal(k % 100) / 100
        second = 10 + k % 3_000  # keeps one day's steps apart and in order
        yield self._step(issued, second, ERP, IssueInvoice, invoice_id=invoice_id,
                         amount=amount, currency=CURRENCY, issue_date=issued)
        due = issued + timedelta(days=TERMS_DAYS)
        if k % 10 == 3:
            credit = (amount / 10).quantize(Decimal("0.01"))
            yield self._step(issued + timedelta(days=5), second, ERP, AdjustInvoice,
                             invoice_id=invoice_id, note_id=f"CN-{self.number}-{k:05d}",
                             kind="credit", amount=credit, reason="volume rebate")
            amount -= credit
        if k % 5 == 1:
            yield self._step(due + timedelta(days=2), second, AGENT, RecordContact,
                             contact_id=f"MAIL-{self.number}-{k:05d}", channel="email",
                             outcome="sent", at=_at(due + timedelta(days=2), second))
        paid = due + timedelta(days=k % 20)
        if k % 25 == 7:
            dispute_id = f"DSP-{self.number}-{k:05d}"
            yield self._step(due + timedelta(days=1), second, AGENT, OpenDispute,
                             dispute_id=dispute_id, invoice_id=invoice_id, amount=amount,
                             reason="price differs from purchase order")
            yield self._step(due + timedelta(days=11), second, MANAGERS[1], ResolveDispute,
                             dispute_id=dispute_id, outcome="rejected")
            paid = max(paid, due + timedelta(days=12))
        if paid <= self.end:
            line = AllocationLine(invoice_id=invoice_id, amount=amount)
            yield self._step(paid, second, ERP, RecordPayment,
                             payment_id=f"PAY-{self.number}-{k:05d}", amount=amount,
                             currency=CURRENCY, received_on=paid, allocations=(line,))

    def _step(self, day: date, second: int, actor: object, command: type, **fields: object
              ) -> DemoStep:
        if not getattr(command, "dated_by", None):
            fields.setdefault("effective_on", day)
        made = command(account=self.number, command_id="bench:unnumbered", **fields)
        return DemoStep(_at(day, second), actor, made)  # type: ignore[arg-type]


def _at(day: date, second: int) -> datetime:
    """Office hours in London (10:00 UTC is 10:00 or 11:00 there), a second per step."""
    return datetime.combine(day, time(10), tzinfo=UTC) + timedelta(seconds=second)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
