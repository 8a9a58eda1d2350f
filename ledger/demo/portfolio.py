"""The demo portfolio: every customer's story, merged in the order the ledger learns it.

Each account's story runs on its own ``Random`` (drawn from the one seeded with
``seed``), so an account's life does not depend on how many others there are
or how their steps interleave. Steps are merged by recorded time (ties keep
account order) and numbered ``demo:{seed}:{n}``: the same arguments always
give the same commands, ids included.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

from ledger.commands.accounts import AssignAgent, ChangeTerms, OpenAccount, SetCreditLimit
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.demo.amounts import round_figure
from ledger.demo.collecting import Collecting
from ledger.demo.customers import build_customers
from ledger.demo.escalating import Escalating
from ledger.demo.office_hours import TICK_TIME, Window, business_day
from ledger.demo.steps import AGENT_IDS, ERP, DemoStep, agent
from ledger.demo.trading import Trading


class CustomerStory(Trading, Collecting, Escalating):
    def run(self) -> Iterator[DemoStep]:
        opening_days = 2 if self.customer.role else 9
        opened = business_day(self.window.start + timedelta(days=self.rng.randint(0, opening_days)))
        self.plan_on(opened, partial(self.open_account, opened))
        for action in self.agenda.due_until(self.window.limit):
            action()
            yield from self.outbox
            self.outbox.clear()

    def open_account(self, opened: date) -> None:
        c = self.customer
        self.emit(
            ERP,
            OpenAccount,
            name=c.name,
            currency=c.currency,
            terms_days=c.terms_days,
            credit_limit=c.credit_limit,
            timezone=c.timezone,
            segment=c.segment,
            contact=c.contact,
        )
        assign = partial(self.assign_agent, c.agent_id)
        self.agenda.plan(self.now + timedelta(minutes=self.rng.randint(10, 120)), assign)
        self.plan_billing(opened)
        for day in self.window.week_ends(after=opened):
            self.agenda.plan(datetime.combine(day, TICK_TIME, tzinfo=UTC), partial(self.tick, day))
        midway = opened + (self.window.end - opened) * self.rng.randint(30, 70) // 100
        if self.chance(6):
            self.plan_on(business_day(midway), self.change_terms)
        if self.chance(5):
            self.plan_on(
                business_day(midway), partial(self.assign_agent, self.rng.choice(AGENT_IDS))
            )

    def assign_agent(self, agent_id: str) -> None:
        self.agent = agent(agent_id)
        self.emit(self.manager(), AssignAgent, agent_id=agent_id)

    def change_terms(self) -> None:
        self.book.terms_days = 45 if self.book.terms_days == 30 else 30
        reason = "terms renegotiated at contract renewal"
        self.emit(self.manager(), ChangeTerms, terms_days=self.book.terms_days, reason=reason)

    def tick(self, day: date) -> None:
        self.emit(SYSTEM, ProcessDay, day=day, effective_on=day)
        self.book.tick(day)
        self.plan_contacts(day)
        self.consider_plan(day)
        self.consider_escalation(day)
        self.consider_limit(day)

    def consider_limit(self, day: date) -> None:
        """Good payers near their limit get it raised, once, at a credit review."""
        exposure = self.book.outstanding(self.customer.currency)
        good = self.customer.payer.name in ("prompt", "slightly_late")
        if good and not self.book.held and exposure * 10 > self.book.credit_limit * 8:
            if self.book.credit_limit == self.customer.credit_limit and self.chance(25):
                self.plan_on(business_day(day + timedelta(days=1)), self.raise_limit)

    def raise_limit(self) -> None:
        currency = self.customer.currency
        self.book.credit_limit = round_figure(self.book.credit_limit * 3 / 2, currency)
        reason = "credit review: consistent payment history"
        self.emit(self.manager(), SetCreditLimit, amount=self.book.credit_limit, reason=reason)


def demo_commands(accounts: int, months: int, seed: int, end: date) -> Iterator[DemoStep]:
    """Commands for ``accounts`` accounts over the ``months`` months ending on ``end``."""
    if accounts < 0 or months < 1:
        raise ValueError("a demo needs zero or more accounts and at least one month")
    rng = random.Random(seed)
    window = Window.ending(end, months)
    stories = [
        CustomerStory(customer, window, random.Random(customer.seed)).run()
        for customer in build_customers(accounts, rng)
    ]
    merged = heapq.merge(*stories, key=lambda step: step.recorded_at)
    for n, step in enumerate(merged, start=1):
        numbered = step.command.model_copy(update={"command_id": f"demo:{seed}:{n}"})
        yield replace(step, command=numbered)
