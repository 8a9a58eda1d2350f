"""The configurable rules the ledger applies, gathered in one value."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.aggregates.contact_policy import ContactPolicies
from ledger.aggregates.dunning_policy import DunningPolicy
from ledger.aggregates.four_eyes import FourEyesPolicy


@dataclass(frozen=True)
class Policies:
    four_eyes: FourEyesPolicy = field(default_factory=FourEyesPolicy)
    """For write-offs."""
    settlement_four_eyes: FourEyesPolicy | None = None
    """For settlement discounts; None: the write-off thresholds."""
    contact: ContactPolicies = field(default_factory=ContactPolicies)
    dunning: DunningPolicy = field(default_factory=DunningPolicy)

    @property
    def settlement_approval(self) -> FourEyesPolicy:
        return self.settlement_four_eyes or self.four_eyes
