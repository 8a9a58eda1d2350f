"""The contact policy: when the ledger lets an agent contact a debtor.

Pure: given the account's standing, its earlier contacts and a proposed attempt,
either return the rules that were evaluated (so the trail can say why a call
was allowed) or raise the refusal of the rule that forbids it (a `ContactRefused`
of `ledger.aggregates.contact_refusals`, each with its own problem type). Local
dates and hours are in the account's timezone, daylight saving applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger.aggregates.contact_refusals import (
    AccountPlaced,
    CeaseCommunicationRequested,
    ConversationCooldown,
    DisputePause,
    OutsideCallHours,
    PermittedNoticeByCall,
    TooManyCalls,
)
from ledger.aggregates.state import ContactRecord

CALL = "call"
CONVERSATION = "conversation"
PERMITTED_NOTICE = "permitted_notice"
CHANNELS = ("call", "email", "letter", "sms", "visit")
OUTCOMES = ("no_answer", "left_message", "conversation", "wrong_number", "refused", "sent")
PURPOSES = ("collection", "permitted_notice", "service")


@dataclass(frozen=True)
class ContactPolicy:
    enabled: bool = True
    max_calls: int = 7
    window_days: int = 7
    quiet_days_after_conversation: int = 7
    calls_from: time = time(8, 0)
    calls_until: time = time(21, 0)


@dataclass(frozen=True)
class ContactPolicies:
    """The contact policy of each portfolio (an account's segment), and the default.

    Portfolios differ in what the law or the client agreement allows (a consumer book
    calls less often than a trade book), so the policy is looked up per account.
    """

    default: ContactPolicy = field(default_factory=ContactPolicy)
    by_portfolio: Mapping[str, ContactPolicy] = field(default_factory=dict)

    def for_portfolio(self, portfolio: str | None) -> ContactPolicy:
        if portfolio is None:
            return self.default
        return self.by_portfolio.get(portfolio, self.default)

    def longest_lookback_days(self) -> int:
        """How far back any portfolio's call limits look, in local days."""
        policies = [self.default, *self.by_portfolio.values()]
        return max(max(p.window_days, p.quiet_days_after_conversation) for p in policies)


@dataclass(frozen=True)
class Standing:
    """What about the account, besides its contacts, can forbid a contact."""

    timezone: str
    cease_communication: bool
    agency_id: str | None
    legal_referral: bool
    only_disputed_is_owed: bool


@dataclass(frozen=True)
class Attempt:
    channel: str
    purpose: str
    at: datetime


def local_date(at: datetime, timezone: str) -> date:
    return at.astimezone(ZoneInfo(timezone)).date()


def check_contact(
    standing: Standing,
    history: Sequence[ContactRecord],
    attempt: Attempt,
    policy: ContactPolicy,
) -> tuple[str, ...]:
    if not policy.enabled:
        return ("policy-disabled",)
    evaluated = ["cease-communication"]
    if standing.cease_communication and attempt.purpose != PERMITTED_NOTICE:
        raise CeaseCommunicationRequested(
            "the debtor asked us to cease communication: only permitted notices may be sent"
        )
    if attempt.purpose == PERMITTED_NOTICE and attempt.channel == CALL:
        raise PermittedNoticeByCall("a permitted notice is never a call")
    if attempt.purpose == "collection":
        evaluated += ["placement", "dispute-pause"]
        if standing.agency_id is not None or standing.legal_referral:
            where = "an agency" if standing.agency_id else "legal"
            raise AccountPlaced(f"the account is with {where}: they collect it")
        if standing.only_disputed_is_owed:
            raise DisputePause("everything owed is under open dispute: collection pauses")
    if attempt.channel == CALL:
        evaluated += _check_call(standing.timezone, history, attempt.at, policy)
    return tuple(evaluated)


def _check_call(
    timezone: str, history: Sequence[ContactRecord], at: datetime, policy: ContactPolicy
) -> list[str]:
    local = at.astimezone(ZoneInfo(timezone))
    if not policy.calls_from <= local.time().replace(tzinfo=None) < policy.calls_until:
        raise OutsideCallHours(
            f"{local:%H:%M} local time ({timezone}) is outside "
            f"{policy.calls_from:%H:%M}-{policy.calls_until:%H:%M}",
        )
    day = local.date()
    calls = [(local_date(c.at, timezone), c) for c in history if c.channel == CALL]
    for called_on, call in calls:
        quiet_until = called_on + timedelta(days=policy.quiet_days_after_conversation - 1)
        if call.outcome == CONVERSATION and called_on <= day <= quiet_until:
            raise ConversationCooldown(
                f"a conversation on {called_on} means no further call until after {quiet_until}",
            )
    window_start = day - timedelta(days=policy.window_days - 1)
    in_window = sum(1 for called_on, _ in calls if window_start <= called_on <= day)
    if in_window >= policy.max_calls:
        raise TooManyCalls(
            f"{in_window} calls already between {window_start} and {day}: "
            f"at most {policy.max_calls} in {policy.window_days} days",
        )
    return ["call-hours", "conversation-cooldown", "call-frequency"]
