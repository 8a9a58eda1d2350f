"""Promises to pay.

A promise is kept when cash received (by business date) from the day it was
made to its due date plus grace reaches the promised amount, whatever that cash
was allocated to; it is broken once a day after due + grace is processed. One
open promise per account at a time.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import DuplicateId, InvalidCommand, InvalidDates, PromiseAlreadyOpen
from ledger.aggregates.state import ExactDecimal, Promise, made_from
from ledger.commands.collections import MakePromise
from ledger.money import positive


class PromiseToPayMade(LedgerEvent):
    promise_id: str
    currency: str
    amount: ExactDecimal
    due_date: date
    grace_days: int

    def apply(self, account: Any) -> None:
        account.promises[self.promise_id] = made_from(Promise, self, made_on=self.effective_on)


class PromiseKept(LedgerEvent):
    promise_id: str
    received: ExactDecimal

    def apply(self, account: Any) -> None:
        promise: Promise = account.promises[self.promise_id]
        promise.status = "kept"
        promise.resolved_on = self.effective_on


class PromiseBroken(LedgerEvent):
    promise_id: str
    received: ExactDecimal

    def apply(self, account: Any) -> None:
        promise: Promise = account.promises[self.promise_id]
        promise.status = "broken"
        promise.resolved_on = self.effective_on


def promise_deadline(promise: Promise) -> date:
    return promise.due_date + timedelta(days=promise.grace_days)


class PromiseCommands(AccountState):
    def open_promise(self) -> Promise | None:
        return next((p for p in self.promises.values() if p.status == "open"), None)

    def make_promise(self, ctx: CommandContext, cmd: MakePromise) -> None:
        if cmd.promise_id in self.promises:
            raise DuplicateId(f"promise {cmd.promise_id!r} already exists")
        current = self.open_promise()
        if current is not None:
            raise PromiseAlreadyOpen(
                f"promise {current.promise_id!r} is still open until {promise_deadline(current)}"
            )
        value = positive(cmd.amount, cmd.currency)
        if cmd.due_date < ctx.effective_on:
            raise InvalidDates(
                f"a promise due {cmd.due_date} cannot be made on {ctx.effective_on}"
            )
        if not 0 <= cmd.grace_days <= 31:
            raise InvalidCommand("grace days must be between 0 and 31")
        self._record(PromiseToPayMade, ctx, cmd, amount=value)

    def review_promise(self, ctx: CommandContext, day: date) -> None:
        promise = self.open_promise()
        if promise is None:
            return
        deadline = promise_deadline(promise)
        received = self.received_between(promise.currency, promise.made_on, deadline)
        if received >= promise.amount:
            kept_on = max(promise.made_on, min(day, deadline))
            self._record(PromiseKept, ctx, promise, effective_on=kept_on, received=received)
        elif day > deadline:
            self._record(PromiseBroken, ctx, promise, effective_on=deadline + timedelta(days=1),
                         received=received)
