"""Dispute reason codes, from a configurable list.

A dispute carries one reason code (what root-cause reports group by) and an owner (a
person or team working it), both changeable, each change an event with who, when and
why. The list is configuration, passed in like the four-eyes thresholds: a code is
checked when it is given, never when history replays. ``other`` is always in the list,
and is what a dispute recorded before reason codes existed reads as: its stored event
has no ``reason_code``, and the event class's default supplies it without touching the
stored (and hashed) content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ledger.aggregates.errors import UnknownDisputeReason

OTHER = "other"
DISPUTE_REASONS = ("pricing", "quantity", "quality", "delivery", "duplicate_billing", "tax",
                   OTHER)
CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def dispute_reasons(codes: Iterable[str]) -> tuple[str, ...]:
    """The configured codes in their order, ``other`` added last if missing."""
    found = tuple(dict.fromkeys(codes))
    bad = [code for code in found if not CODE.fullmatch(code)]
    if bad:
        raise ValueError(f"dispute reason codes must match {CODE.pattern}: {bad}")
    return found if OTHER in found else (*found, OTHER)


def check_reason_code(code: str, allowed: tuple[str, ...]) -> None:
    if code not in allowed:
        raise UnknownDisputeReason(
            f"dispute reason {code!r} is not one of the configured codes {list(allowed)}")
