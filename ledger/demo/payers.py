"""Payer profiles: how a customer pays, and how far its word can be trusted.

The profile decides when an invoice is paid (days after its due date), how
much of it (percent), whether the customer sends a remittance advice (explicit
allocation) or short-pays bank charges, and how likely a promise is to be kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from ledger.demo.office_hours import business_day


@dataclass(frozen=True)
class PayerProfile:
    name: str
    weight: int
    delay: tuple[int, int]
    share: tuple[int, int]
    keeps_promises: int
    promises: int
    remits: int
    short_pays: int

    @property
    def pays(self) -> bool:
        return self.share[1] > 0

    def pay_day(self, rng: Random, issued: date, due: date) -> date:
        """Never before the day after issue: nobody pays an invoice they have not received."""
        day = due + timedelta(days=rng.randint(*self.delay))
        return business_day(max(day, issued + timedelta(days=1)))

    def paid_share(self, rng: Random) -> int:
        return rng.randint(*self.share)

    def keeps(self, rng: Random) -> bool:
        return rng.randrange(100) < self.keeps_promises

    def promises_when_reached(self, rng: Random) -> bool:
        return rng.randrange(100) < self.promises


PROFILES = {
    profile.name: profile
    for profile in (
        PayerProfile("prompt", 38, (-6, 2), (100, 100), 95, 40, 25, 8),
        PayerProfile("slightly_late", 27, (4, 20), (100, 100), 85, 60, 15, 5),
        PayerProfile("chronically_late", 14, (25, 70), (100, 100), 50, 70, 5, 0),
        PayerProfile("partial", 11, (5, 25), (40, 80), 60, 70, 0, 0),
        PayerProfile("non_payer", 10, (0, 0), (0, 0), 10, 60, 0, 0),
    )
}


def draw_profile(rng: Random) -> PayerProfile:
    profiles = list(PROFILES.values())
    return rng.choices(profiles, weights=[p.weight for p in profiles])[0]
