"""Cash coming in: payments, remittance advices, short payments, overpayments.

Most payments are applied automatically (oldest due first). A customer that
sends a remittance advice pays one invoice explicitly; now and then it pays a
round figure, leaving the rest as unapplied credit, or the bank deducts its
charges, which a manager later writes off directly (well under four eyes).
A payment never exceeds what the account owes, unless it is meant to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from ledger.commands.collections import WriteOff
from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.demo.amounts import bank_fee, round_figure
from ledger.demo.book import Lines, OpenItem
from ledger.demo.office_hours import business_days_after
from ledger.demo.steps import ERP
from ledger.demo.story import Story

METHODS = {"USD": "ach", "EUR": "sepa_credit", "GBP": "bacs", "JPY": "zengin"}
LATE_BANK_FILES = 20


class Receipts(Story):
    def plan_receipt(
        self, day: date, currency: str, amount: Decimal, invoice_id: str = "", mode: str = "auto"
    ) -> None:
        """``mode``: ``auto``, ``remit`` (explicit), ``short`` (less charges) or ``overpay``."""
        action = partial(self.receive, day, currency, amount, invoice_id, mode)
        self.plan_on(day, action, late_percent=LATE_BANK_FILES)

    def receive(
        self, day: date, currency: str, amount: Decimal, invoice_id: str, mode: str
    ) -> None:
        item = self.book.invoices.get(invoice_id)
        if mode != "auto" and item is not None and item.undisputed > 0:
            self.remit(day, item, mode)
            return
        cash = min(amount, self.book.undisputed(currency))
        if cash > 0:
            self.record_payment(day, currency, cash, [])

    def remit(self, day: date, item: OpenItem, mode: str) -> None:
        owed, currency = item.undisputed, item.currency
        fee = bank_fee(self.rng, currency)
        if mode == "short" and fee < owed:
            self.record_payment(day, currency, owed - fee, [(item.invoice_id, owed - fee)])
            write_off = partial(self.write_off_charges, item.invoice_id, fee)
            self.plan_on(business_days_after(day, self.rng.randint(3, 10)), write_off)
        elif mode == "overpay":
            self.record_payment(
                day, currency, round_figure(owed, currency), [(item.invoice_id, owed)]
            )
        else:
            self.record_payment(day, currency, owed, [(item.invoice_id, owed)])

    def record_payment(self, day: date, currency: str, cash: Decimal, explicit: Lines) -> None:
        payment_id = self.serial("PAY")
        self.book.receive(payment_id, currency, cash, day, explicit)
        method = "cheque" if currency == "USD" and self.chance(5) else METHODS[currency]
        self.emit(
            ERP,
            RecordPayment,
            payment_id=payment_id,
            amount=cash,
            currency=currency,
            received_on=day,
            effective_on=day,
            reference=f"{method.upper()}-{day:%Y%m%d}-{payment_id[4:]}",
            method=method,
            allocations=tuple(AllocationLine(invoice_id=i, amount=a) for i, a in explicit),
        )

    def write_off_charges(self, invoice_id: str, fee: Decimal) -> None:
        item = self.book.invoices[invoice_id]
        amount = min(item.undisputed, fee)
        if amount <= 0:
            return
        item.written_off += amount
        self.emit(
            self.manager(),
            WriteOff,
            invoice_id=invoice_id,
            amount=amount,
            reason="bank charges deducted by the remitting bank",
        )
