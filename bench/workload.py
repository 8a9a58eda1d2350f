"""What the benchmark appends, described once so the ledger and the baseline store the same.

A workload is a list of steps, each one business fact about one account: an opening, an
invoice, or a payment that settles that invoice exactly. The ledger turns a step into a
command; the baseline turns it into calls on a bare aggregate. Both then write the same
number of events (a payment is two: received and allocated) with the same ids, amounts,
dates and command ids, so the two rates measure the same appends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor, Command
from ledger.commands.receivables import AllocationLine, IssueInvoice, RecordPayment

ACTOR = Actor("bench-import", "service")
CURRENCY = "EUR"
FIRST_DAY = date(2025, 1, 1)
PAYMENT_DELAY = timedelta(days=20)
# An invoice and its payment land on one account; this many events make one account's
# history in the bulk import (enough to cross the ledger's snapshot interval).
EVENTS_PER_ACCOUNT = 100

Kind = Literal["open", "invoice", "payment"]


@dataclass(frozen=True)
class Step:
    kind: Kind
    account: str
    serial: int  # the account's n-th invoice (and the payment that settles it)
    amount: Decimal = Decimal(0)

    @property
    def events(self) -> int:
        return 2 if self.kind == "payment" else 1

    @property
    def invoice_id(self) -> str:
        return f"INV-{self.account}-{self.serial}"

    @property
    def payment_id(self) -> str:
        return f"PAY-{self.account}-{self.serial}"

    @property
    def command_id(self) -> str:
        return f"bench:{self.kind}:{self.account}:{self.serial}"

    @property
    def issue_date(self) -> date:
        return FIRST_DAY + timedelta(days=self.serial)

    @property
    def received_on(self) -> date:
        return self.issue_date + PAYMENT_DELAY


def account_number(index: int) -> str:
    return f"BENCH-{index:06d}"


def amount_for(account_index: int, serial: int) -> Decimal:
    """Varied, exact amounts: a few hundred euros and some cents."""
    n = account_index * 7919 + serial * 104729
    return Decimal(f"{100 + n % 9000}.{n % 100:02d}")


def account_history(account_index: int, events: int) -> list[Step]:
    """Open, then invoice/payment pairs, ending on an invoice if one event is left over."""
    number = account_number(account_index)
    steps = [Step("open", number, 0)]
    written, serial = 1, 0
    while written < events:
        serial += 1
        amount = amount_for(account_index, serial)
        steps.append(Step("invoice", number, serial, amount))
        written += 1
        if written + 2 <= events:
            steps.append(Step("payment", number, serial, amount))
            written += 2
    return steps


def bulk_import(events: int) -> list[Step]:
    """A migration of whole account histories, account by account, ``events`` in total."""
    steps: list[Step] = []
    index, left = 0, events
    while left > 0:
        steps.extend(account_history(index, min(EVENTS_PER_ACCOUNT, left)))
        left -= min(EVENTS_PER_ACCOUNT, left)
        index += 1
    return steps


def single_commands(accounts: int, commands: int) -> tuple[list[Step], list[Step]]:
    """Account openings (set-up, not timed), then ``commands`` steps that visit the accounts
    in turn, each account alternating invoice and the payment that settles it."""
    openings = [Step("open", account_number(i), 0) for i in range(accounts)]
    steps = []
    for n in range(commands):
        index, turn = n % accounts, n // accounts
        serial = turn // 2 + 1
        kind: Kind = "invoice" if turn % 2 == 0 else "payment"
        steps.append(Step(kind, account_number(index), serial, amount_for(index, serial)))
    return openings, steps


def chunks(steps: list[Step], size: int) -> list[list[Step]]:
    return [steps[start : start + size] for start in range(0, len(steps), size)]


def expected_events(steps: list[Step]) -> int:
    return sum(step.events for step in steps)


def ledger_command(step: Step) -> Command:
    if step.kind == "open":
        return OpenAccount(
            account=step.account,
            command_id=step.command_id,
            effective_on=FIRST_DAY,
            name=f"Customer {step.account}",
            currency=CURRENCY,
        )
    if step.kind == "invoice":
        return IssueInvoice(
            account=step.account,
            command_id=step.command_id,
            invoice_id=step.invoice_id,
            amount=step.amount,
            currency=CURRENCY,
            issue_date=step.issue_date,
        )
    return RecordPayment(
        account=step.account,
        command_id=step.command_id,
        payment_id=step.payment_id,
        amount=step.amount,
        currency=CURRENCY,
        received_on=step.received_on,
        allocations=(AllocationLine(invoice_id=step.invoice_id, amount=step.amount),),
    )
