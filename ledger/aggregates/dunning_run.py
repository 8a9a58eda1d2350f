"""What a dunning run does for one account on one day: a pure decision, shared by the run
and its dry run, so the dry run shows exactly what the run would record.

Per invoice: the levels it reaches (days past due, and the account's undisputed overdue
amount in the invoice's currency at least the level's minimum) that it has not reached
before; only the highest is sent, the lower ones are skipped. A wholly disputed invoice
is left out; a partly disputed one is dunned for its undisputed part. The account gets
one notice at the highest level any invoice reached, listing them all; nothing at all
while paused, under cease-communication, with an agency or legal, or within the quiet
period after its last notice (then the invoices wait, and reach their levels later).

Under cease-communication, a segment whose policy has a legally required level still runs,
but only up to that: each invoice reaches the levels up to the highest legally required one
it has reached (the levels above it, and every level of an invoice that reached none, wait
for a later run, as a held run's do), so the notice lists only invoices at a legally
required level and goes at the highest of them; with none, nothing is recorded (``held``:
cease_communication). A policy without such a level holds the whole run, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates.dunning_policy import (
    AGENCY_PROPOSED,
    CREDIT_HOLD,
    DunningLevel,
    DunningVersion,
    SegmentDunning,
)
from ledger.aggregates.state import Invoice


@dataclass(frozen=True)
class NoticeLine:
    invoice_id: str
    level: str
    days_past_due: int
    channel: str
    template: str
    currency: str
    amount: Decimal
    """The undisputed outstanding amount: what the notice asks for."""
    skipped: tuple[str, ...]

    def listed(self) -> dict[str, str | int]:
        return {"invoice_id": self.invoice_id, "level": self.level,
                "days_past_due": self.days_past_due, "channel": self.channel,
                "template": self.template, "currency": self.currency,
                "amount": str(self.amount)}


@dataclass(frozen=True)
class DunningPlan:
    """What a run records for the account; ``held`` names why nothing is (else None)."""

    account: str
    segment: str
    policy_version: int
    lines: tuple[NoticeLine, ...] = ()
    actions: tuple[tuple[str, str, int], ...] = ()
    """(invoice id, ``credit_hold`` or ``agency_proposal``, days past due)."""
    notice_level: DunningLevel | None = None
    held: str | None = None
    """Why no notice goes (paused, a restriction, the quiet period)."""

    def summary(self) -> dict[str, Any]:
        notice = self.notice_level
        return {
            "account": self.account, "segment": self.segment,
            "policy_version": self.policy_version, "held": self.held,
            "notice": None if notice is None else {
                "level": notice.name, "channel": notice.channel, "template": notice.template,
                "invoices": [line.listed() for line in self.lines]},
            "actions": [{"invoice_id": i, "action": a, "days_past_due": d}
                        for i, a, d in self.actions],
        }


@dataclass(frozen=True)
class Standing:
    """What of the account the plan reads."""

    number: str
    segment: str
    invoices: list[Invoice]
    restriction: str | None
    credit_hold: bool
    last_notice_on: date | None = None


def plan_dunning(account: Standing, day: date, version: DunningVersion) -> DunningPlan:
    policy = version.document.for_segment(account.segment)
    plan = DunningPlan(account.number, account.segment, version.version)
    legal_only = (account.restriction == "cease_communication"
                  and policy.has_legally_required)
    restriction = None if legal_only else account.restriction
    held = ("paused" if policy.paused else restriction
            or quiet(policy, account.last_notice_on, day))
    if held is not None:
        return DunningPlan(plan.account, plan.segment, plan.policy_version, held=held)
    overdue = overdue_by_currency(account.invoices, day)
    lines: list[NoticeLine] = []
    actions: list[tuple[str, str, int]] = []
    top = -1
    hold = account.credit_hold
    for invoice in sorted(account.invoices, key=lambda i: (i.due_date, i.invoice_id)):
        days = (day - invoice.due_date).days
        if invoice.undisputed <= 0 or days < 1:
            continue
        reached = [(n, level) for n, level in enumerate(policy.levels)
                   if days >= level.days_past_due
                   and overdue[invoice.currency] >= level.minimum(invoice.currency)]
        if legal_only:
            reached = up_to_legally_required(reached)
        if not reached:
            continue
        index, highest = reached[-1]
        if highest.name not in invoice.dunning_levels:
            skipped = tuple(level.name for _, level in reached[:-1]
                            if level.name not in invoice.dunning_levels)
            lines.append(NoticeLine(invoice.invoice_id, highest.name, days, highest.channel,
                                    highest.template, invoice.currency, invoice.undisputed,
                                    skipped))
            top = max(top, index)
        wanted = {action for _, level in reached for action in level.actions}
        if "credit_hold" in wanted and CREDIT_HOLD not in invoice.dunning_levels and not hold:
            actions.append((invoice.invoice_id, "credit_hold", days))
            hold = True
        if "agency_proposal" in wanted and AGENCY_PROPOSED not in invoice.dunning_levels:
            actions.append((invoice.invoice_id, "agency_proposal", days))
    return DunningPlan(plan.account, plan.segment, plan.policy_version, tuple(lines),
                       tuple(actions), policy.levels[top] if lines else None,
                       "cease_communication" if legal_only and not lines else None)


def up_to_legally_required(
    reached: list[tuple[int, DunningLevel]],
) -> list[tuple[int, DunningLevel]]:
    """Under cease-communication: the levels reached up to the highest legally required one
    (none if none is); the rest wait, as they would for a held run."""
    legal = [n for n, (_, level) in enumerate(reached) if level.legally_required]
    return reached[:legal[-1] + 1] if legal else []


def quiet(policy: SegmentDunning, last_notice_on: date | None, day: date) -> str | None:
    if last_notice_on is None or (day - last_notice_on).days >= policy.quiet_period_days:
        return None
    return "quiet_period"


def overdue_by_currency(invoices: list[Invoice], day: date) -> dict[str, Decimal]:
    """The undisputed amount past due, per currency."""
    totals: dict[str, Decimal] = {}
    for invoice in invoices:
        totals.setdefault(invoice.currency, Decimal(0))
        if (day - invoice.due_date).days >= 1 and invoice.undisputed > 0:
            totals[invoice.currency] += invoice.undisputed
    return totals
