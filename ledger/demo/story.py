"""What every part of one customer's story shares: its book, agenda and voice.

A story is the life of one account over the demo window. Its parts (trading,
receipts, collecting, escalating) are mixins on this base, like the account
aggregate's topic mixins: each plans actions on the agenda and, when an action
runs, checks the book and emits commands recorded at that moment.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random
from typing import Any

from ledger.commands.base import Actor, Command
from ledger.demo.agenda import Action, Agenda
from ledger.demo.book import AccountBook
from ledger.demo.customers import Customer
from ledger.demo.office_hours import (
    Window,
    business_days_after,
    local_date,
    local_moment,
    office_time,
)
from ledger.demo.steps import MANAGERS, DemoStep, agent

UNNUMBERED = "demo:unnumbered"


class Story:
    def __init__(self, customer: Customer, window: Window, rng: Random) -> None:
        self.customer = customer
        self.window = window
        self.rng = rng
        self.book = AccountBook(customer.terms_days, customer.credit_limit)
        self.agenda = Agenda()
        self.agent = agent(customer.agent_id)
        self.outbox: list[DemoStep] = []
        self._serials: dict[str, int] = {}

    @property
    def now(self) -> datetime:
        return self.agenda.now

    @property
    def today(self) -> date:
        """The business date where the customer is, which is what its events are dated."""
        return local_date(self.now, self.customer.timezone)

    def serial(self, kind: str) -> str:
        self._serials[kind] = self._serials.get(kind, 0) + 1
        return f"{kind}-{self.customer.index:05d}-{self._serials[kind]:03d}"

    def emit(self, actor: Actor, command: type[Command], **fields: Any) -> None:
        """Give a command now; the portfolio numbers command ids once steps are merged."""
        fields.setdefault("effective_on", self.today)
        made = command(account=self.customer.number, command_id=UNNUMBERED, **fields)
        self.outbox.append(DemoStep(self.now, actor, made))

    def manager(self) -> Actor:
        return self.rng.choice(MANAGERS)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def moment(self, day: date, first_hour: int = 9, last_hour: int = 17) -> datetime:
        return local_moment(
            day, office_time(self.rng, first_hour, last_hour), self.customer.timezone
        )

    def plan_on(self, day: date, action: Action, late_percent: int = 0) -> None:
        """During office hours on ``day``, or a business day or two later for a late file."""
        if self.chance(late_percent):
            day = business_days_after(day, self.rng.randint(1, 2))
        self.agenda.plan(self.moment(day), action)

    def business_day_between(self, first: date, last: date) -> date:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return self.rng.choice([d for d in days if d.weekday() < 5] or [last])
