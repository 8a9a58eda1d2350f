"""What a dunning run would issue on a day, without writing anything.

Each account is loaded and its day's tick (`Account.process_day`) run in memory only:
the events it would record are read off and the account is dropped, never saved. So the
dry run is the run itself, not a second copy of its rules; it may look ahead (a day not
begun yet), since nothing it computes is kept.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ledger.aggregates.dunning import AgencyPlacementProposed, NoticeSent
from ledger.aggregates.envelope import CommandContext
from ledger.aggregates.standing import CreditHoldPlaced
from ledger.commands.base import SYSTEM
from ledger.commands.collections import ProcessDay
from ledger.service import LedgerService


def dunning_dry_run(
    service: LedgerService, day: date, segment: str | None = None
) -> list[dict[str, Any]]:
    """Per account of ``segment`` (all when None) with anything to do or held: its notice
    (None when none), the actions, and why nothing goes (``held``)."""
    planned = []
    for number, its_segment in sorted(service.account_segments().items()):
        if segment is None or its_segment == segment:
            found = account_dry_run(service, number, day)
            if found["notice"] is not None or found["actions"] or found["held"]:
                planned.append(found)
    return planned


def account_dry_run(service: LedgerService, number: str, day: date) -> dict[str, Any]:
    account = service.account(number)
    command = ProcessDay(account=number, day=day, command_id=f"dry-run:{day}:{number}")
    ctx = CommandContext(
        actor_id=SYSTEM.actor_id, actor_role=SYSTEM.role, command_id=command.command_id,
        correlation_id=command.command_id, effective_on=day, policies=service.policies,
        recorded_at=max(service.clock(), datetime.combine(day + timedelta(days=1), time(12),
                                                          UTC)),
    )
    plan = account.dunning_plan(ctx, day)
    before = len(account.pending_events)
    account.process_day(ctx, command)
    made = account.pending_events[before:]
    notice = next((e for e in made if isinstance(e, NoticeSent)), None)
    return {
        "account": number, "segment": plan.segment, "day": day.isoformat(),
        "policy_version": plan.policy_version, "held": plan.held,
        "notice": None if notice is None else {
            "level": notice.level, "channel": notice.channel, "template": notice.template,
            "invoices": [dict(line) for line in notice.invoices]},
        "actions": [action(e) for e in made
                    if isinstance(e, AgencyPlacementProposed | CreditHoldPlaced)],
    }


def action(event: AgencyPlacementProposed | CreditHoldPlaced) -> dict[str, str]:
    if isinstance(event, CreditHoldPlaced):
        return {"action": "credit_hold", "invoice_id": event.invoice_id, "reason": event.reason}
    return {"action": "agency_proposal", "invoice_id": event.invoice_id,
            "reason": f"{event.days_past_due} days past due"}
