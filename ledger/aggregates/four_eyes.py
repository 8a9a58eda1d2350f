"""Four eyes: which write-offs and settlement discounts need a second person.

Above a threshold (per currency, with a default), a write-off or a settlement
discount is only a request until a *different* user with the manager role
approves it. The thresholds are configuration, so they are passed in rather
than stored in the aggregate: history replays the same whatever they become.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.aggregates.envelope import CommandContext
from ledger.aggregates.errors import FourEyesViolation, NotAuthorised

MANAGER = "manager"


@dataclass(frozen=True)
class FourEyesPolicy:
    default_threshold: Decimal = Decimal("1000")
    thresholds: Mapping[str, Decimal] = field(default_factory=dict)

    def threshold(self, currency: str) -> Decimal:
        return self.thresholds.get(currency, self.default_threshold)

    def needs_approval(self, amount: Decimal, currency: str) -> bool:
        return amount > self.threshold(currency)


def check_approver(ctx: CommandContext, requested_by: str) -> None:
    if ctx.actor_role != MANAGER:
        raise NotAuthorised(f"only a {MANAGER} may approve; {ctx.actor_id} is {ctx.actor_role}")
    if ctx.actor_id == requested_by:
        raise FourEyesViolation(f"{ctx.actor_id} requested this and may not approve it too")
