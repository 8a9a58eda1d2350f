"""Fitting a plan to the ledger as it stands, just before it is carried out.

A plan is made from the file alone; two of its decisions need the ledger:

- an account the file would open is opened only if it does not exist yet;
- a payment naming an invoice gets as much of its amount allocated to that
  invoice as the invoice can take (its undisputed outstanding), the rest
  staying unapplied credit. Payments earlier in the file count: they are
  followed on working copies of the invoices, automatic ones oldest due first
  as the domain would allocate them.

A payment recorded by an earlier import is sent again exactly as it was first
sent (its allocation read back from its history), so the command log can tell
a repeat (replayed) from a changed row (conflict) even though the invoice it
paid has no outstanding left now. Whatever the domain objects to is left for
the domain to report: this only decides amounts it is sure of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from ledger.aggregates import Account
from ledger.aggregates.allocation import allocate_oldest_first
from ledger.aggregates.errors import AccountNotFound
from ledger.aggregates.state import Invoice
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports.plan import PlannedRow
from ledger.imports.rows import RowError
from ledger.service import LedgerService


class NothingToPay(Exception):
    """The invoice a payment names has no undisputed outstanding left to take it."""


def prepare(
    service: LedgerService, rows: Iterable[PlannedRow]
) -> tuple[list[PlannedRow], list[RowError]]:
    ledger = LedgerAsItStands(service)
    prepared: list[PlannedRow] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            commands = [ledger.fit(command) for command in row.commands]
        except NothingToPay as problem:
            errors.append(RowError(row.row_number, str(problem), "invoice_id"))
            continue
        kept = tuple(command for command in commands if command is not None)
        prepared.append(PlannedRow(row.row_number, kept))
    return prepared, errors


class LedgerAsItStands:
    """Accounts read once per run, and working copies of invoices that payments consume."""

    def __init__(self, service: LedgerService) -> None:
        self.service = service
        self.accounts: dict[str, Account | None] = {}
        self.invoices: dict[str, dict[str, Invoice]] = {}
        self.first_allocations: dict[str, dict[str, tuple[AllocationLine, ...]]] = {}

    def fit(self, command: Command) -> Command | None:
        if isinstance(command, OpenAccount):
            return None if self.account(command.account) is not None else command
        if isinstance(command, RecordPayment):
            return self.fit_payment(command)
        return command

    def account(self, number: str) -> Account | None:
        if number not in self.accounts:
            try:
                self.accounts[number] = self.service.account(number)
            except AccountNotFound:
                self.accounts[number] = None
        return self.accounts[number]

    def fit_payment(self, payment: RecordPayment) -> RecordPayment:
        account = self.account(payment.account)
        if account is None:
            return payment
        if payment.payment_id in account.payments or (
            f"payment:{payment.reference}" in account.external_ids
        ):
            return self.as_first_sent(payment)
        invoices = self.working_invoices(account)
        if not payment.allocations:
            for taken in allocate_oldest_first(
                invoices.values(), payment.currency, payment.amount, payment.received_on
            ):
                invoices[taken.invoice_id].allocated += taken.amount
            return payment
        named = payment.allocations[0].invoice_id
        invoice = invoices.get(named)
        if invoice is None or invoice.currency != payment.currency:
            return payment
        payable = min(payment.amount, invoice.undisputed)
        if payable <= 0:
            raise NothingToPay(
                f"invoice {named!r} has nothing left to pay (outstanding {invoice.outstanding} "
                f"{invoice.currency}, disputed {invoice.disputed}); leave invoice_id empty "
                "to allocate the payment automatically"
            )
        invoice.allocated += payable
        return _allocated(payment, (AllocationLine(invoice_id=named, amount=payable),))

    def working_invoices(self, account: Account) -> dict[str, Invoice]:
        if account.number not in self.invoices:
            self.invoices[account.number] = {
                invoice_id: replace(invoice) for invoice_id, invoice in account.invoices.items()
            }
        return self.invoices[account.number]

    def as_first_sent(self, payment: RecordPayment) -> RecordPayment:
        if not payment.allocations:
            return payment
        first = self.explicit_allocations(payment.account).get(payment.command_id)
        named = {line.invoice_id for line in payment.allocations}
        if first is None or {line.invoice_id for line in first} != named:
            return payment
        return _allocated(payment, first)

    def explicit_allocations(self, number: str) -> dict[str, tuple[AllocationLine, ...]]:
        """Explicit allocations made on receipt, by the command id that made them."""
        if number not in self.first_allocations:
            self.first_allocations[number] = {
                event["command_id"]: tuple(
                    AllocationLine(invoice_id=line["invoice_id"], amount=Decimal(line["amount"]))
                    for line in event["payload"]["allocations"]
                )
                for event in self.service.history(number)
                if event["type"] == "PaymentAllocated" and not event["payload"]["automatic"]
            }
        return self.first_allocations[number]


def _allocated(payment: RecordPayment, lines: tuple[AllocationLine, ...]) -> RecordPayment:
    return payment.model_copy(update={"allocations": lines})
