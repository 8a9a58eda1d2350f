"""Collecting: the assigned agent's calls and emails, promises to pay, payment plans.

Each week the agent plans at most two calls to an account with overdue money
(more the older it is), on different weekdays between 09:00 and 18:00 where
the customer is, and no call within seven days of a conversation (counting its
day): well inside the default contact policy. Nobody is chased once they asked
us to cease communication or while an agency holds the account. A conversation
may bring a promise to pay, which the payer profile keeps or breaks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from ledger.commands.collections import AgreePaymentPlan, InstalmentLine, MakePromise, RecordContact
from ledger.demo.amounts import exact, quantum, share
from ledger.demo.office_hours import business_day, local_date, local_moment, office_time
from ledger.demo.receipts import Receipts

CALL_OUTCOMES = ("no_answer", "left_message", "conversation", "wrong_number", "refused")
CALL_WEIGHTS = (34, 30, 30, 3, 3)
CALL_NOTES = {
    "no_answer": "no answer on the accounts payable line",
    "left_message": "left a voicemail asking for a call back about overdue invoices",
    "conversation": "spoke with accounts payable about the overdue balance",
    "wrong_number": "number no longer in service",
    "refused": "contact declined to discuss the account",
}
QUIET_DAYS = 7
PLAN_GRACE_DAYS = 3
UNPROMISING_ROLES = ("agency", "settlement", "cease")  # their stories need the debt to age


class Collecting(Receipts):
    def plan_contacts(self, week_end: date) -> None:
        age = self.book.oldest_overdue_days(week_end)
        if self.book.collection_paused() or age <= 0:
            return
        calls = (
            self.rng.choice((0, 1)) if age <= 14 else 1 if age <= 45 else self.rng.choice((1, 2))
        )
        for offset in self.rng.sample(range(1, 6), calls):
            at = self.local(week_end + timedelta(days=offset))
            self.agenda.plan(
                at + timedelta(minutes=self.rng.randint(2, 12)), partial(self.call, at)
            )
        if self.chance(35):
            at = self.local(week_end + timedelta(days=self.rng.randint(1, 5)))
            self.agenda.plan(at + timedelta(minutes=1), partial(self.email, at))

    def local(self, day: date) -> datetime:
        return local_moment(day, office_time(self.rng), self.customer.timezone)

    def chased_currency(self, day: date) -> str | None:
        """The currency with the most overdue undisputed money, if any is overdue."""
        currencies = [self.customer.currency, self.customer.second_currency]
        owed = [(self.book.overdue(c, day), c) for c in currencies if c]
        amount, currency = max(owed, key=lambda pair: pair[0])
        return currency if amount > 0 and not self.book.collection_paused() else None

    def call(self, at: datetime) -> None:
        day = local_date(at, self.customer.timezone)
        quiet = self.book.last_conversation
        if self.chased_currency(day) is None or (
            quiet and day < quiet + timedelta(days=QUIET_DAYS)
        ):
            return
        outcome = self.rng.choices(CALL_OUTCOMES, weights=CALL_WEIGHTS)[0]
        self.emit(
            self.agent,
            RecordContact,
            contact_id=self.serial("CON"),
            channel="call",
            outcome=outcome,
            at=at,
            note=CALL_NOTES[outcome],
            effective_on=day,
        )
        if outcome == "conversation":
            self.book.last_conversation = day
            promising = self.customer.role not in UNPROMISING_ROLES
            if promising and self.customer.payer.promises_when_reached(self.rng):
                later = self.now + timedelta(minutes=self.rng.randint(1, 4))
                self.agenda.plan(later, partial(self.take_promise, day))

    def email(self, at: datetime) -> None:
        day = local_date(at, self.customer.timezone)
        if self.chased_currency(day) is None:
            return
        self.emit(
            self.agent,
            RecordContact,
            contact_id=self.serial("CON"),
            channel="email",
            outcome="sent",
            at=at,
            note="statement of account with the overdue items",
            effective_on=day,
        )

    def take_promise(self, day: date) -> None:
        currency = self.chased_currency(day)
        if (
            currency is None
            or self.book.under_arrangement(day)
            or not self.book.promise_slot_free()
        ):
            return
        overdue = self.book.overdue(currency, day)
        amount = (
            overdue if self.chance(60) else max(share(overdue, 50, currency), quantum(currency))
        )
        due = business_day(day + timedelta(days=self.rng.randint(3, 10)))
        grace = self.rng.choice((0, 0, 0, 2, 3))
        self.emit(
            self.agent,
            MakePromise,
            promise_id=self.serial("PTP"),
            amount=amount,
            currency=currency,
            due_date=due,
            grace_days=grace,
            effective_on=day,
        )
        self.book.promise_deadline = due + timedelta(days=grace)
        if self.customer.payer.keeps(self.rng):
            self.plan_receipt(
                self.business_day_between(day + timedelta(days=1), due), currency, amount
            )

    def consider_plan(self, week_end: date) -> None:
        wanted = self.customer.role == "plan" or (
            self.customer.payer.name == "partial" and self.chance(3)
        )
        if wanted and self.book.plan_ends is None and self.book.oldest_overdue_days(week_end) >= 20:
            self.plan_on(
                business_day(week_end + timedelta(days=self.rng.randint(1, 3))), self.agree_plan
            )

    def agree_plan(self) -> None:
        day, currency = self.today, self.customer.currency
        total = self.book.overdue(currency, day)
        if self.book.plan_ends or self.book.collection_paused() or total < 3 * quantum(currency):
            return
        first = business_day(day + timedelta(days=7))
        dues = [
            first,
            business_day(first + timedelta(days=30)),
            business_day(first + timedelta(days=61)),
        ]
        each = exact(total / 3, currency)
        amounts = [each, each, total - 2 * each]
        self.emit(
            self.agent,
            AgreePaymentPlan,
            plan_id=self.serial("PLAN"),
            currency=currency,
            instalments=tuple(
                InstalmentLine(due_date=d, amount=a) for d, a in zip(dues, amounts, strict=True)
            ),
            grace_days=PLAN_GRACE_DAYS,
            effective_on=day,
        )
        self.book.plan_ends = dues[-1] + timedelta(days=PLAN_GRACE_DAYS)
        for due, amount in zip(dues, amounts, strict=True):
            if self.customer.payer.keeps(self.rng):
                self.plan_receipt(
                    self.business_day_between(due - timedelta(days=3), due), currency, amount
                )
