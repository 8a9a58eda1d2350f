"""How an account earns its place on an agent's worklist, and what keeps it off.

Pure: the facts about one account on one day (gathered from the read models by
`worklist.py`) go in; the score's components, or the reason the account may not
be worked today, come out. Every number is a Decimal, so the same facts always
give the same score, on every backend, byte for byte.

Why these components: money overdue is what the agent is there to collect, and
the older it is the less likely it comes in unchased, so it is weighted per aging
bucket. A promise broken lately, or a promise or instalment falling due now, is
the moment a call works best, whatever the balance. A dispute left open too long
needs chasing with whoever decides it, and a task left past its due date is a promise
to the debtor or to a colleague not kept. Accounts nobody has spoken to for a while
drift up day by day. A balance above the credit limit is exposure to cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

from ledger.aggregates.contact_policy import CALL, Attempt, ContactPolicy, Standing, check_contact
from ledger.aggregates.errors import ContactRefused
from ledger.aggregates.state import ContactRecord
from ledger.fx import NoRate, Reporting
from ledger.projections.aging import DEFAULT_EDGES

COMPONENTS = (
    "overdue", "broken_promise", "promise_due", "dispute_follow_up",
    "days_since_contact", "credit_limit_breach", "overdue_tasks",
)
POINT = Decimal("0.0001")


@dataclass(frozen=True)
class WorklistWeights:
    """Points per signal; defaults chosen so money leads and events break near-ties.

    - ``overdue_per_unit``: points per weighted unit of *undisputed* overdue money,
      one per aging bucket of ``edges`` (current, 1-30, 31-60, 61-90, 91-120, over
      120): 1,000.00 overdue 10 days scores 10, overdue 200 days 50.
    - ``currency_weights``: nothing is converted implicitly. A unit of the account's
      base currency weighs 1 and any other currency 0 (it does not count) unless
      named here; naming base currencies too puts accounts of different base
      currencies on one scale, e.g. ``{"USD": Decimal(1), "JPY": Decimal("0.0067")}``.
    - flat signals, each worth a few thousand units a month overdue: a promise
      broken or an instalment missed in the ``broken_promise_days`` ending today;
      a promise or instalment between its due date and the end of its grace; a
      dispute open ``dispute_follow_up_days`` or longer; gross outstanding in the
      base currency above the credit limit.
    - ``overdue_task`` when a task on the account (anyone's) is open past its due date.
    - ``per_day_since_contact`` per day since the last contact of any kind, up to
      ``days_since_contact_cap`` (an account never contacted gets the cap).
    """

    edges: tuple[int, ...] = DEFAULT_EDGES
    overdue_per_unit: tuple[Decimal, ...] = tuple(
        Decimal(p) for p in ("0", "0.01", "0.02", "0.03", "0.04", "0.05")
    )
    currency_weights: Mapping[str, Decimal] = field(
        default_factory=lambda: MappingProxyType({})
    )
    broken_promise: Decimal = Decimal(50)
    broken_promise_days: int = 30
    promise_due: Decimal = Decimal(40)
    dispute_follow_up: Decimal = Decimal(20)
    dispute_follow_up_days: int = 14
    per_day_since_contact: Decimal = Decimal(1)
    days_since_contact_cap: int = 30
    credit_limit_breach: Decimal = Decimal(25)
    overdue_task: Decimal = Decimal(30)

    def __post_init__(self) -> None:
        if len(self.overdue_per_unit) != len(self.edges) + 2:
            raise ValueError("one overdue weight per aging bucket: len(edges) + 2")
        if any(isinstance(v, float) for v in self.currency_weights.values()):
            raise TypeError("currency weights are Decimals: a float is not an exact weight")

    def currency_weight(self, currency: str, base_currency: str) -> Decimal:
        default = Decimal(1) if currency == base_currency else Decimal(0)
        return Decimal(self.currency_weights.get(currency, default))


@dataclass(frozen=True)
class OwedInvoice:
    currency: str
    due_date: date
    outstanding: Decimal
    disputed: Decimal

    @property
    def undisputed(self) -> Decimal:
        return max(self.outstanding - self.disputed, Decimal(0))


@dataclass
class AccountFacts:
    """What the read models say about one account on the worklist's day."""

    account_id: str
    number: str
    segment: str
    currency: str
    timezone: str
    credit_limit: Decimal | None
    cease_communication: bool
    agency_id: str | None
    legal_referral: bool
    owed: list[OwedInvoice] = field(default_factory=list)
    broken_promises: list[date] = field(default_factory=list)
    promises_due: int = 0
    open_disputes_since: list[date] = field(default_factory=list)
    last_contact: date | None = None
    calls: list[ContactRecord] = field(default_factory=list)
    overdue_tasks: int = 0

    def to_work(self) -> bool:
        """Something owed, a promise or instalment falling due, or a task overdue."""
        return any(i.outstanding > 0 for i in self.owed) or self.promises_due > 0 \
            or self.overdue_tasks > 0


def bucket_index(days_past_due: int, edges: Sequence[int]) -> int:
    """0 for current, then one per edge, the last for beyond the last edge (as aging)."""
    if days_past_due <= 0:
        return 0
    for position, edge in enumerate(edges, start=1):
        if days_past_due <= edge:
            return position
    return len(edges) + 1


def components(facts: AccountFacts, day: date, w: WorklistWeights,
               reporting: Reporting | None = None) -> dict[str, Decimal]:
    """The score's parts by name; the score is their sum. With a ``reporting`` currency
    the overdue money is counted in it, converted on ``day`` (`rates_used`)."""
    overdue = sum(
        (
            _on_one_scale(i, facts, day, w, reporting)
            * w.overdue_per_unit[bucket_index((day - i.due_date).days, w.edges)]
            for i in facts.owed
        ),
        Decimal(0),
    )
    recent = day - timedelta(days=w.broken_promise_days - 1)
    follow_up_from = day - timedelta(days=w.dispute_follow_up_days)
    silent_days = w.days_since_contact_cap
    if facts.last_contact is not None:
        silent_days = min((day - facts.last_contact).days, silent_days)
    parts = {
        "overdue": overdue,
        "broken_promise": _flag(any(recent <= d <= day for d in facts.broken_promises),
                                w.broken_promise),
        "promise_due": _flag(facts.promises_due > 0, w.promise_due),
        "dispute_follow_up": _flag(any(d <= follow_up_from for d in facts.open_disputes_since),
                                   w.dispute_follow_up),
        "days_since_contact": w.per_day_since_contact * max(silent_days, 0),
        "credit_limit_breach": _flag(_above_limit(facts), w.credit_limit_breach),
        "overdue_tasks": _flag(facts.overdue_tasks > 0, w.overdue_task),
    }
    return {name: value.quantize(POINT) for name, value in parts.items()}


def _on_one_scale(i: OwedInvoice, facts: AccountFacts, day: date, w: WorklistWeights,
                  reporting: Reporting | None) -> Decimal:
    """Without a reporting currency, weighted by ``currency_weights``. With one,
    converted into it; money in a currency without a rate counts nothing, and the item
    says ``no rate`` for it (`rates_used`) rather than guessing a scale."""
    if reporting is None:
        return i.undisputed * w.currency_weight(i.currency, facts.currency)
    converted = reporting.convert(i.undisputed, i.currency, day)
    return Decimal(0) if isinstance(converted, NoRate) else converted.amount


def rates_used(facts: AccountFacts, day: date, reporting: Reporting | None) -> dict[str, str]:
    """Per currency owed other than the reporting one: the rate date used, or ``no rate``."""
    if reporting is None:
        return {}
    used = {c: reporting.rate_used(c, day) for c in {i.currency for i in facts.owed}}
    return {c: when for c, when in sorted(used.items()) if when is not None}


def _flag(condition: bool, points: Decimal) -> Decimal:
    return points if condition else Decimal(0)


def _above_limit(facts: AccountFacts) -> bool:
    if facts.credit_limit is None:
        return False
    in_base = sum((i.outstanding for i in facts.owed if i.currency == facts.currency),
                  Decimal(0))
    return in_base > facts.credit_limit


def exclusion(facts: AccountFacts, day: date, policy: ContactPolicy) -> tuple[str, str] | None:
    """``(reason, detail)`` when the account may not be worked today, else None.

    Standing comes first (cease-communication, agency, legal, a dispute covering
    everything overdue); then the contact limits, decided by the contact policy
    itself for a call at the start of calling hours on ``day`` in the account's
    timezone: its limits are per local calendar day, so any in-hours time is the day.
    """
    if facts.cease_communication:
        return "cease-communication", "the debtor asked us to cease communication"
    if facts.agency_id is not None:
        return "agency", f"placed with agency {facts.agency_id}: they collect it"
    if facts.legal_referral:
        return "legal", "referred to legal: they collect it"
    if _disputes_cover_overdue(facts, day):
        return "all-disputed", "open disputes cover what is overdue: collection pauses"
    neutral = Standing(facts.timezone, False, None, False, False)
    start_of_calls = datetime.combine(day, policy.calls_from, tzinfo=ZoneInfo(facts.timezone))
    try:
        check_contact(neutral, facts.calls, Attempt(CALL, "collection",
                                                    start_of_calls.astimezone(UTC)), policy)
    except ContactRefused as refused:
        return refused.rule_id, str(refused)
    return None


def _disputes_cover_overdue(facts: AccountFacts, day: date) -> bool:
    """Everything owed is disputed, or something is overdue and all of it is disputed."""
    owed = [i for i in facts.owed if i.outstanding > 0]
    overdue = [i for i in owed if i.due_date < day]
    if overdue:
        return all(i.undisputed == 0 for i in overdue)
    return bool(owed) and all(i.undisputed == 0 for i in owed)
