"""An account's standing: what each standing event sets, and the standing as of a date.

Terms, credit limit, agent, the flags that restrict collection and the open promise
change only through events. `FLAGS` says what each standing event sets; the open-items
projection applies it to the live account row as events arrive, and `standing_as_of`
folds the account's events dated by a business date (as known at a recorded time), in
the order the account recorded them, for "the account as of D as known at T".

Two events count whatever the date asked about: erasure (personal data erased is gone
for every date) and the opening, whose terms and credit limit an account shows even
as of a day before it was opened (rather than terms of 0 days that nobody agreed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

FLAGS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "AgentAssigned": lambda e: {"agent_id": e["agent_id"]},
    "AccountTermsChanged": lambda e: {"terms_days": e["terms_days"]},
    "CeaseCommunicationRequested": lambda e: {"cease_communication": True},
    "PlacedWithAgency": lambda e: {"agency_id": e["agency_id"]},
    "RecalledFromAgency": lambda e: {"agency_id": None},
    "ReferredToLegal": lambda e: {"legal_referral": True},
    "LegalReferralWithdrawn": lambda e: {"legal_referral": False},
    "CreditHoldPlaced": lambda e: {"credit_hold": True},
    "CreditHoldReleased": lambda e: {"credit_hold": False},
    "PersonalDataErased": lambda e: {"personal_data_erased": True},
}
"""Standing fields each event sets, by event type (fields of the event by name); the
credit limit, being money, is `LIMITS`'."""

LIMITS = {"AccountOpened": "credit_limit", "CreditLimitSet": "amount"}
"""The event field that sets the credit limit, by event type."""

PROMISES = ("PromiseToPayMade", "PromiseKept", "PromiseBroken")
ERASED = "PersonalDataErased"
EVENT_TYPES = ("AccountOpened", *LIMITS, *FLAGS, *PROMISES)
"""Every event type the standing is made of."""


@dataclass
class Standing:
    terms_days: int = 0
    credit_limit: Decimal | None = None
    agent_id: str | None = None
    cease_communication: bool = False
    agency_id: str | None = None
    legal_referral: bool = False
    credit_hold: bool = False
    personal_data_erased: bool = False
    open_promises: list[str] = field(default_factory=list)

    @property
    def open_promise(self) -> str | None:
        """The promise open then (one at a time, so the earliest made, should dates
        given after the fact ever leave two)."""
        return self.open_promises[0] if self.open_promises else None


def standing_as_of(
    events: Iterable[tuple[str, date, Mapping[str, Any]]], as_of: date
) -> Standing:
    """The standing on ``as_of`` from ``(type, business date, fields)`` of the account's
    standing events known at the time asked about, in the order it recorded them."""
    standing = Standing()
    for kind, on, fields in events:
        if kind == ERASED:
            standing.personal_data_erased = True
        elif on <= as_of or kind == "AccountOpened":
            _apply(standing, kind, fields)
    return standing


def _apply(standing: Standing, kind: str, fields: Mapping[str, Any]) -> None:
    if kind == "AccountOpened":
        standing.terms_days = fields["terms_days"]
    if kind in LIMITS:
        limit = fields[LIMITS[kind]]
        standing.credit_limit = None if limit is None else Decimal(limit)
    if kind in FLAGS:
        for name, value in FLAGS[kind](fields).items():
            setattr(standing, name, value)
    if kind == "PromiseToPayMade":
        standing.open_promises.append(fields["promise_id"])
    elif kind in PROMISES and fields["promise_id"] in standing.open_promises:
        standing.open_promises.remove(fields["promise_id"])
