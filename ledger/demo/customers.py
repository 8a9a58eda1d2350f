"""The portfolio's customers: who they are, where, in what currency, on what terms.

Each customer gets a region (timezone, usual currency, legal forms), a segment
that sets the size of its monthly billing, payment terms, a credit limit, a
payer profile and, for a few, a storyline role (``agency``, ``settlement``...)
that guarantees every collections path appears even in a small portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

from ledger.demo.amounts import drawn, exact, in_currency, round_figure
from ledger.demo.names import company_name, payables_contact
from ledger.demo.payers import PROFILES, PayerProfile, draw_profile
from ledger.demo.steps import AGENT_IDS


@dataclass(frozen=True)
class Region:
    timezone: str
    currency: str
    second_currency: str
    legal_forms: tuple[str, ...]
    phone_prefix: str
    weight: int


REGIONS = (
    Region("America/New_York", "USD", "EUR", ("Inc.", "LLC", "Corp."), "+1", 26),
    Region("America/Chicago", "USD", "EUR", ("Inc.", "LLC", "Co."), "+1", 14),
    Region("America/Los_Angeles", "USD", "JPY", ("Inc.", "LLC"), "+1", 8),
    Region("Europe/London", "GBP", "EUR", ("Ltd", "plc", "LLP"), "+44", 16),
    Region("Europe/Berlin", "EUR", "USD", ("GmbH", "AG", "GmbH & Co. KG"), "+49", 12),
    Region("Europe/Paris", "EUR", "GBP", ("SAS", "SA", "SARL"), "+33", 6),
    Region("Europe/Amsterdam", "EUR", "USD", ("B.V.", "N.V."), "+31", 5),
    Region("Asia/Tokyo", "JPY", "USD", ("K.K.", "Co., Ltd."), "+81", 8),
    Region("Asia/Singapore", "USD", "JPY", ("Pte. Ltd.",), "+65", 5),
)

SEGMENTS = {  # weight, monthly billing from / to, in USD
    "smb": (55, 1_500, 12_000),
    "mid_market": (32, 12_000, 80_000),
    "enterprise": (13, 80_000, 450_000),
}
TERMS = {"smb": (30, 30, 30, 45), "mid_market": (30, 30, 45, 60), "enterprise": (30, 45, 60, 60)}

ROLE_PAYERS = {
    "agency": "non_payer",
    "settlement": "chronically_late",
    "plan": "partial",
    "cease": "chronically_late",
    "over_limit": "slightly_late",
    "disputer": "prompt",
    "overpayer": "prompt",
}
ROLE_SHARE = {  # one account in so many plays the role (at least one)
    "agency": 40,
    "settlement": 60,
    "plan": 25,
    "cease": 60,
    "over_limit": 30,
    "disputer": 20,
    "overpayer": 25,
    "two_currencies": 15,
}
STORY_ROLES = ("agency", "settlement", "plan", "cease")


@dataclass(frozen=True)
class Customer:
    index: int
    number: str
    name: str
    segment: str
    region: Region
    currency: str
    second_currency: str | None
    terms_days: int
    credit_limit: Decimal
    monthly_amount: Decimal
    billing_day: int
    payer: PayerProfile
    role: str | None
    agent_id: str
    seed: int
    contact: dict[str, str] = field(compare=False)

    @property
    def timezone(self) -> str:
        return self.region.timezone


def roles_for(count: int, rng: Random) -> list[str | None]:
    """Storyline roles for the portfolio, at least one each while accounts last."""
    roles: list[str | None] = []
    for role, every in ROLE_SHARE.items():
        roles += [role] * max(1, round(count / every))
    roles = roles[:count] + [None] * max(0, count - len(roles))
    rng.shuffle(roles)
    return roles


def build_customers(count: int, rng: Random) -> list[Customer]:
    taken: set[str] = set()
    return [customer(n, role, rng, taken) for n, role in enumerate(roles_for(count, rng), 1)]


def customer(index: int, role: str | None, rng: Random, taken: set[str]) -> Customer:
    region = rng.choices(REGIONS, weights=[r.weight for r in REGIONS])[0]
    segment = rng.choices(list(SEGMENTS), weights=[s[0] for s in SEGMENTS.values()])[0]
    if role == "settlement":
        segment = "mid_market"
    _, low, high = SEGMENTS[segment]
    currency = region.currency
    monthly = drawn(
        rng, in_currency(Decimal(low), currency), in_currency(Decimal(high), currency), currency
    )
    limit_ratio = Decimal("1.3") if role == "over_limit" else Decimal(rng.randint(25, 40)) / 10
    name = company_name(rng, region.legal_forms, taken)
    return Customer(
        index=index,
        number=f"ACC-{index:05d}",
        name=name,
        segment=segment,
        region=region,
        currency=currency,
        second_currency=region.second_currency if role == "two_currencies" else None,
        terms_days=30 if role in STORY_ROLES else rng.choice(TERMS[segment]),
        credit_limit=round_figure(exact(monthly * limit_ratio, currency), currency, up=False),
        monthly_amount=monthly,
        billing_day=rng.randint(1, 8) if role in STORY_ROLES else rng.randint(1, 28),
        payer=PROFILES[ROLE_PAYERS[role]] if role in ROLE_PAYERS else draw_profile(rng),
        role=role,
        agent_id=rng.choice(AGENT_IDS),
        seed=rng.getrandbits(64),
        contact=payables_contact(rng, name, region.phone_prefix),
    )
