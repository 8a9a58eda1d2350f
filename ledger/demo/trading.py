"""Trading: monthly invoices, when the customer pays them, credit notes, disputes.

Invoices follow the account's billing day each month (a second currency every
other month for the few accounts invoiced in two), and stop once the account is
on credit hold or with an agency. Each invoice's payment is planned from the
payer profile; a few invoices draw a credit note or a dispute, and a dispute is
upheld (fully or in part), rejected, or still open when the window closes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from ledger.commands.collections import OpenDispute, ResolveDispute
from ledger.commands.receivables import AdjustInvoice, IssueInvoice
from ledger.demo.amounts import PER_USD, exact, quantum, share
from ledger.demo.book import OpenItem
from ledger.demo.office_hours import add_months, business_day, business_days_after
from ledger.demo.receipts import Receipts
from ledger.demo.steps import ERP

CREDIT_REASONS = ("goods returned", "pricing correction", "volume rebate", "short delivery")
DISPUTE_REASONS = (
    "goods damaged in transit",
    "price differs from purchase order",
    "services not rendered as agreed",
    "quantity invoiced exceeds quantity received",
    "duplicate of an earlier invoice",
)
OUTCOMES = ("upheld_full", "upheld_partial", "rejected", "rejected")


class Trading(Receipts):
    def plan_billing(self, opened: date) -> None:
        first = business_days_after(opened, self.rng.randint(0, 3))
        self.plan_invoice(first, self.customer.currency)
        month = opened.replace(day=1)
        while month <= self.window.end:
            day = business_day(month.replace(day=self.customer.billing_day))
            if first + timedelta(days=14) < day <= self.window.end:
                self.plan_invoice(day, self.customer.currency)
                if self.customer.second_currency and month.month % 2:
                    self.plan_invoice(business_days_after(day, 2), self.customer.second_currency)
                if self.chance(10):
                    extra = business_day(day + timedelta(days=self.rng.randint(8, 16)))
                    self.plan_invoice(extra, self.customer.currency, size=(15, 40))
            month = add_months(month, 1)

    def plan_invoice(self, day: date, currency: str, size: tuple[int, int] = (75, 130)) -> None:
        self.plan_on(day, partial(self.issue_invoice, day, currency, size), late_percent=8)

    def issue_invoice(self, day: date, currency: str, size: tuple[int, int]) -> None:
        if self.book.held or self.book.agency:
            return
        monthly = self.customer.monthly_amount
        if currency != self.customer.currency:
            monthly = exact(
                monthly * PER_USD[currency] / PER_USD[self.customer.currency] / 3, currency
            )
        amount = max(share(monthly, self.rng.randint(*size), currency), quantum(currency))
        invoice_id = self.serial("INV")
        item = self.book.issue(invoice_id, currency, amount, day)
        self.emit(
            ERP,
            IssueInvoice,
            invoice_id=invoice_id,
            amount=amount,
            currency=currency,
            issue_date=day,
            effective_on=day,
            reference=f"PO-{self.rng.randint(4_500_000_000, 4_599_999_999)}",
        )
        self.plan_payment(item)
        if self.chance(4):
            later = business_days_after(day, self.rng.randint(3, 15))
            self.plan_on(later, partial(self.credit_note, invoice_id), late_percent=8)
        outcome = self.dispute_outcome(day)
        if outcome:
            later = business_days_after(day, self.rng.randint(4, 12))
            self.plan_on(later, partial(self.open_dispute, invoice_id, outcome))

    def plan_payment(self, item: OpenItem) -> None:
        payer = self.customer.payer
        if not payer.pays:
            return
        day = payer.pay_day(self.rng, item.issue_date, item.due_date)
        amount = share(item.amount, payer.paid_share(self.rng), item.currency)
        mode = "remit" if self.chance(payer.remits) else "auto"
        if self.customer.role == "overpayer" and len(self.book.invoices) == 1:
            mode = "overpay"
        elif mode == "remit" and self.chance(15):
            mode = "overpay"
        elif self.chance(payer.short_pays):
            mode = "short"
        self.plan_receipt(day, item.currency, amount, item.invoice_id, mode)

    def credit_note(self, invoice_id: str) -> None:
        item = self.book.invoices[invoice_id]
        amount = min(share(item.amount, self.rng.randint(5, 25), item.currency), item.undisputed)
        if amount <= 0:
            return
        item.credited += amount
        self.emit(
            ERP,
            AdjustInvoice,
            invoice_id=invoice_id,
            note_id=self.serial("CN"),
            kind="credit",
            amount=amount,
            reason=self.rng.choice(CREDIT_REASONS),
        )

    def dispute_outcome(self, issued: date) -> str | None:
        """A disputing customer disputes its 2nd, 3rd and last invoice; others seldom."""
        if self.customer.role == "disputer":
            count = len(self.book.invoices)
            late = issued >= self.window.end - timedelta(days=40)
            return {2: "upheld_partial", 3: "rejected"}.get(count, "open" if late else None)
        return self.rng.choice(OUTCOMES) if self.chance(5) else None

    def open_dispute(self, invoice_id: str, outcome: str) -> None:
        item = self.book.invoices[invoice_id]
        if item.undisputed <= 0:
            return
        amount = share(item.undisputed, self.rng.randint(20, 100), item.currency)
        amount = max(amount, quantum(item.currency))
        dispute_id = self.serial("DSP")
        self.book.open_dispute(dispute_id, invoice_id, amount)
        reason = self.rng.choice(DISPUTE_REASONS)
        self.emit(
            self.agent,
            OpenDispute,
            dispute_id=dispute_id,
            invoice_id=invoice_id,
            amount=amount,
            reason=reason,
        )
        days = self.rng.randint(70, 100) if outcome == "open" else self.rng.randint(10, 40)
        resolve = partial(self.resolve_dispute, dispute_id, item.currency, amount, outcome)
        self.plan_on(business_day(self.today + timedelta(days=days)), resolve)

    def resolve_dispute(
        self, dispute_id: str, currency: str, amount: Decimal, outcome: str
    ) -> None:
        credit: Decimal | None = None
        if outcome == "upheld_full":
            credit = amount
        elif outcome == "upheld_partial":
            credit = max(share(amount, self.rng.randint(30, 70), currency), quantum(currency))
        self.book.resolve_dispute(dispute_id, credit or Decimal(0))
        self.emit(
            self.agent,
            ResolveDispute,
            dispute_id=dispute_id,
            outcome="upheld" if credit else "rejected",
            reason="supplier confirmed the claim" if credit else "proof of delivery provided",
            credit_amount=credit,
        )
        collectible = amount - (credit or 0)
        if collectible > 0 and self.customer.payer.pays:
            day = business_day(self.today + timedelta(days=self.rng.randint(5, 15)))
            self.plan_receipt(day, currency, collectible)
