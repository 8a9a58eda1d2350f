"""Escalating: credit holds, agency placements, write-offs, recoveries, settlements.

Reviewed after each weekly tick. An account over its credit limit goes on hold;
a customer that never pays goes to a collection agency, its oldest invoice is
written off (requested by the agent, approved by a manager) and the agency
later recovers part of it; a chronically late customer is offered a settlement,
which a second manager approves when the discount is above the four-eyes
threshold; a customer's counsel may ask us to cease communication.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from ledger.commands.accounts import PlaceCreditHold, PlaceWithAgency, RequestCeaseCommunication
from ledger.commands.base import Actor
from ledger.commands.collections import (
    AgreeSettlement,
    DecideSettlement,
    DecideWriteOff,
    RecordContact,
    RecordRecovery,
    RequestWriteOff,
)
from ledger.demo.amounts import share
from ledger.demo.office_hours import business_day, business_days_after
from ledger.demo.receipts import Receipts
from ledger.demo.steps import ERP, other_manager

FOUR_EYES_THRESHOLD = Decimal(1000)
AGENCIES = ("AGY-NORTHSTAR", "AGY-CREDITLINE", "AGY-ATLANTIC")


class Escalating(Receipts):
    def consider_escalation(self, week_end: date) -> None:
        age, role = self.book.oldest_overdue_days(week_end), self.customer.role
        soon = business_days_after(week_end, self.rng.randint(1, 3))
        over_limit = self.book.outstanding(self.customer.currency) > self.book.credit_limit
        if over_limit and not self.book.held and (role == "over_limit" or self.chance(60)):
            self.plan_on(soon, self.place_hold)
        if self.book.agency:
            return
        never_pays = not self.customer.payer.pays
        if (role == "agency" and age >= 45) or (never_pays and age >= 90 and self.chance(50)):
            self.plan_on(soon, self.place_with_agency)
        elif (role == "settlement" and age >= 30) or (age >= 75 and self.chance(3)):
            self.plan_on(soon, self.propose_settlement)
        elif role == "cease" and age >= 20:
            self.plan_on(soon, self.request_cease)

    def place_hold(self) -> None:
        if self.book.held:
            return
        currency, exposure = self.customer.currency, self.book.outstanding(self.customer.currency)
        self.book.held = True
        self.emit(
            self.manager(),
            PlaceCreditHold,
            reason=f"exposure {exposure} {currency} over the credit limit {self.book.credit_limit}",
        )

    def place_with_agency(self) -> None:
        if self.book.agency:
            return
        self.book.agency = True
        age = self.book.oldest_overdue_days(self.today)
        reason = f"{age} days past due and no response to the final notice"
        self.emit(
            self.manager(), PlaceWithAgency, agency_id=self.rng.choice(AGENCIES), reason=reason
        )
        self.plan_on(
            business_days_after(self.today, 1), partial(self.send_notice, "notice of placement")
        )
        if self.customer.role == "agency" or self.chance(50):
            later = business_day(self.today + timedelta(days=self.rng.randint(10, 20)))
            self.plan_on(later, self.request_write_off)

    def send_notice(self, note: str) -> None:
        self.emit(
            self.agent,
            RecordContact,
            contact_id=self.serial("CON"),
            channel="letter",
            outcome="sent",
            at=self.now,
            purpose="permitted_notice",
            note=note,
        )

    def request_write_off(self) -> None:
        open_items = [i for i in self.book.invoices.values() if i.undisputed > 0]
        if not open_items:
            return
        item = min(open_items, key=lambda i: (i.due_date, i.invoice_id))
        request_id, amount = self.serial("WOR"), item.undisputed
        self.emit(
            self.agent,
            RequestWriteOff,
            request_id=request_id,
            invoice_id=item.invoice_id,
            amount=amount,
            reason="uncollectable: the agency reports the debtor has ceased trading",
        )
        decide = partial(self.decide_write_off, request_id, item.invoice_id, amount, self.manager())
        self.plan_on(business_days_after(self.today, self.rng.randint(1, 4)), decide)

    def decide_write_off(
        self, request_id: str, invoice_id: str, amount: Decimal, by: Actor
    ) -> None:
        item = self.book.invoices[invoice_id]
        approve = amount <= item.undisputed
        reason = "agency confirms no assets" if approve else "balance changed since the request"
        self.emit(by, DecideWriteOff, request_id=request_id, approve=approve, reason=reason)
        if not approve:
            return
        item.written_off += amount
        if self.customer.role == "agency" or self.chance(30):
            later = business_day(self.today + timedelta(days=self.rng.randint(15, 30)))
            self.plan_on(later, partial(self.record_recovery, invoice_id))

    def record_recovery(self, invoice_id: str) -> None:
        item = self.book.invoices[invoice_id]
        recoverable = item.written_off - item.recovered
        amount = min(share(item.written_off, self.rng.randint(20, 50), item.currency), recoverable)
        if amount <= 0:
            return
        item.recovered += amount
        self.emit(
            ERP,
            RecordRecovery,
            recovery_id=self.serial("REC"),
            invoice_id=invoice_id,
            amount=amount,
            received_on=self.today,
        )

    def propose_settlement(self) -> None:
        currency, day = self.customer.currency, self.today
        outstanding = self.book.outstanding(currency)
        amount = share(self.book.undisputed(currency), self.rng.randint(75, 90), currency)
        if self.book.settlement or self.book.agency or not 0 < amount < outstanding:
            return
        due_by = business_day(day + timedelta(days=14))
        pending = outstanding - amount > FOUR_EYES_THRESHOLD
        manager = self.manager()
        settlement_id = self.serial("SET")
        self.book.agree_settlement(currency, amount, due_by, day, pending)
        self.emit(
            manager,
            AgreeSettlement,
            settlement_id=settlement_id,
            amount=amount,
            currency=currency,
            due_by=due_by,
        )
        if pending:
            approve = partial(self.approve_settlement, settlement_id, other_manager(manager))
            self.plan_on(business_days_after(day, 1), approve)
        if self.customer.role == "settlement" or self.customer.payer.keeps(self.rng):
            pay_day = business_day(day + timedelta(days=self.rng.randint(3, 10)))
            self.plan_receipt(pay_day, currency, amount)

    def approve_settlement(self, settlement_id: str, approver: Actor) -> None:
        terms = self.book.settlement
        if terms is None or terms.status != "pending_approval":
            return
        terms.status = "agreed"
        self.emit(
            approver,
            DecideSettlement,
            settlement_id=settlement_id,
            approve=True,
            reason="discount within what the agency would cost",
        )

    def request_cease(self) -> None:
        if self.book.cease:
            return
        self.book.cease = True
        reason = "the customer's counsel asked that all contact go through them in writing"
        self.emit(self.agent, RequestCeaseCommunication, reason=reason)
        later = business_days_after(self.today, self.rng.randint(5, 10))
        self.plan_on(later, partial(self.send_notice, "statement of account (permitted notice)"))
