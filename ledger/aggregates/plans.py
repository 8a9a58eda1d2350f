"""Payment plans: a schedule of instalments.

Instalment *k* is met when cash received since the plan was agreed, by its due
date plus grace, covers instalments 1..k. A missed one emits InstalmentMissed;
the second miss breaks the plan; cash covering the whole schedule completes it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import (
    AmountExceedsOutstanding,
    DuplicateId,
    InvalidCommand,
    InvalidDates,
    PlanAlreadyActive,
)
from ledger.aggregates.state import Instalment, PaymentPlan, made_from
from ledger.commands.collections import AgreePaymentPlan
from ledger.money import positive

MISSES_THAT_BREAK = 2


class PaymentPlanAgreed(LedgerEvent):
    plan_id: str
    currency: str
    instalments: tuple[Instalment, ...]
    grace_days: int

    def apply(self, account: Any) -> None:
        account.plans[self.plan_id] = made_from(
            PaymentPlan, self, agreed_on=self.effective_on, instalments=list(self.instalments)
        )


class InstalmentMissed(LedgerEvent):
    plan_id: str
    number: int
    due_date: date

    def apply(self, account: Any) -> None:
        account.plans[self.plan_id].missed.append(self.number)


class PaymentPlanCompleted(LedgerEvent):
    plan_id: str

    def apply(self, account: Any) -> None:
        account.plans[self.plan_id].status = "completed"


class PaymentPlanBroken(LedgerEvent):
    plan_id: str

    def apply(self, account: Any) -> None:
        account.plans[self.plan_id].status = "broken"


class PlanCommands(AccountState):
    def active_plan(self) -> PaymentPlan | None:
        return next((p for p in self.plans.values() if p.status == "active"), None)

    def agree_payment_plan(self, ctx: CommandContext, cmd: AgreePaymentPlan) -> None:
        if cmd.plan_id in self.plans:
            raise DuplicateId(f"payment plan {cmd.plan_id!r} already exists")
        if self.active_plan() is not None:
            raise PlanAlreadyActive("the account already has an active payment plan")
        if not cmd.instalments:
            raise InvalidCommand("a payment plan needs at least one instalment")
        if not 0 <= cmd.grace_days <= 31:
            raise InvalidCommand("grace days must be between 0 and 31")
        schedule = tuple(
            Instalment(n, line.due_date, positive(line.amount, cmd.currency))
            for n, line in enumerate(cmd.instalments, start=1)
        )
        dates = [i.due_date for i in schedule]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise InvalidDates("instalment due dates must be strictly increasing")
        if dates[0] < ctx.effective_on:
            raise InvalidDates("the first instalment is due before the plan was agreed")
        total = sum((i.amount for i in schedule), Decimal(0))
        if total > self.outstanding(cmd.currency):
            raise AmountExceedsOutstanding(
                f"plan total {total} {cmd.currency} exceeds the outstanding "
                f"{self.outstanding(cmd.currency)}"
            )
        self._record(PaymentPlanAgreed, ctx, cmd, instalments=schedule)

    def review_plan(self, ctx: CommandContext, day: date) -> None:
        plan = self.active_plan()
        if plan is None:
            return
        if self.received_between(plan.currency, plan.agreed_on, day) >= plan.total:
            self._record(PaymentPlanCompleted, ctx, plan)
            return
        required = Decimal(0)
        for instalment in plan.instalments:
            required += instalment.amount
            deadline = instalment.due_date + timedelta(days=plan.grace_days)
            if day <= deadline or instalment.number in plan.missed:
                continue
            if self.received_between(plan.currency, plan.agreed_on, deadline) < required:
                self._record(InstalmentMissed, ctx, instalment, plan_id=plan.plan_id,
                             effective_on=deadline + timedelta(days=1))
                if len(plan.missed) >= MISSES_THAT_BREAK:
                    self._record(PaymentPlanBroken, ctx, plan)
                    return
