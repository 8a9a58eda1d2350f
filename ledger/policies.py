"""The configurable rules the ledger applies, gathered in one value."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.aggregates.approval_expiry import ApprovalExpiry
from ledger.aggregates.contact_policy import ContactPolicies
from ledger.aggregates.dispute_reasons import DISPUTE_REASONS
from ledger.aggregates.dunning_policy import DunningPolicies, FixedDunning
from ledger.aggregates.four_eyes import FourEyesPolicy
from ledger.cash.policy import CashPolicy
from ledger.projections.worklist_policy import FixedWorklistPolicy, WorklistPolicies


@dataclass(frozen=True)
class Policies:
    four_eyes: FourEyesPolicy = field(default_factory=FourEyesPolicy)
    """For write-offs."""
    settlement_four_eyes: FourEyesPolicy | None = None
    """For settlement discounts; None: the write-off thresholds."""
    contact: ContactPolicies = field(default_factory=ContactPolicies)
    dunning: DunningPolicies = field(default_factory=FixedDunning)
    """The recorded versions of the dunning policy (`ledger.audit.policy_records`)."""
    approval_expiry: ApprovalExpiry = field(default_factory=ApprovalExpiry)
    dispute_reasons: tuple[str, ...] = DISPUTE_REASONS
    """The reason codes a dispute may carry (``other`` always among them)."""
    cash: CashPolicy = field(default_factory=CashPolicy)
    """Short-payment tolerance per currency and the payer-name threshold (cash application)."""
    worklist: WorklistPolicies = field(default_factory=FixedWorklistPolicy)
    """The recorded versions of the worklist weights (`ledger.audit.worklist_policy_records`)."""

    @property
    def settlement_approval(self) -> FourEyesPolicy:
        return self.settlement_four_eyes or self.four_eyes
