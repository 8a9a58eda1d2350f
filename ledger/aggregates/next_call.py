"""When the contact policy next lets an agent call a debtor.

An agent planning the day needs "from when may I call?", not only "may I call now?". The
answer is asked of `contact_policy.check_contact` itself, so the two can never disagree:
the policy's limits are per local calendar day (calling hours within a day, cooldown and
frequency by day), so the earliest permitted moment of a day is either *now* or the start
of that day's calling hours, and a day at a time is enough. Rules no date ends (cease
communication, a placement, a dispute covering everything owed) have no next time: None.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ledger.aggregates.contact_policy import (
    CALL,
    Attempt,
    ContactPolicy,
    Standing,
    check_contact,
)
from ledger.aggregates.contact_refusals import (
    ConversationCooldown,
    OutsideCallHours,
    RefusedByRule,
    TooManyCalls,
)
from ledger.aggregates.state import ContactRecord

WAITS_OUT = (OutsideCallHours, ConversationCooldown, TooManyCalls)
"""The refusals that time ends: a later day (or hour) may be permitted."""


def next_permitted_call(
    standing: Standing,
    history: Sequence[ContactRecord],
    now: datetime,
    policy: ContactPolicy,
    purpose: str = "collection",
) -> datetime | None:
    """The earliest moment at or after ``now`` when a call is permitted, or None if no
    date ends what forbids it. Local days are in the account's timezone."""
    zone = ZoneInfo(standing.timezone)
    local_now = now.astimezone(zone)
    horizon = policy.window_days + policy.quiet_days_after_conversation + 2
    starts = (datetime.combine(local_now.date() + timedelta(days=offset), policy.calls_from,
                               tzinfo=zone) for offset in range(horizon))
    for candidate in (local_now, *(s for s in starts if s > local_now)):
        try:
            check_contact(standing, history, Attempt(CALL, purpose, candidate), policy)
        except WAITS_OUT:
            continue
        except RefusedByRule:
            return None
        return candidate.astimezone(now.tzinfo)
    return None
