"""The settings cash application decides with: what a bank fee may leave unpaid, and how
like a customer's name a payer's must be.

A short payment within the currency's tolerance is a bank's charge, not a dispute: the
receipt still pays the invoice, and the shortfall is written off (with the rule named).
Above it, the invoice stays open for the difference. No tolerance is set by default: a
ledger writes nothing off that its owner did not allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CashPolicy:
    short_payment_tolerance: Mapping[str, Decimal] = field(default_factory=dict)
    """Per currency, the most a receipt may fall short of what it pays and still pay it."""
    name_threshold: int = 90
    """How like an account's name (out of 100) a payer's name must be to name it."""
    name_margin: int = 5
    """How much more like the best account's name than the next one's: else no guess."""

    def tolerance(self, currency: str) -> Decimal:
        return self.short_payment_tolerance.get(currency, Decimal(0))
