"""The dunning policy: reminders, credit hold and agency proposal by days past due.

Each step is emitted once per invoice and level. When an invoice is first seen
already past several levels (a late import), only the highest is sent and the
lower ones are recorded as skipped, so a debtor never gets three letters in one
morning. Nothing is sent while a dispute on the invoice, cease-communication,
an agency placement or a legal referral forbids it.
"""

from __future__ import annotations

from dataclasses import dataclass

CREDIT_HOLD = "credit_hold"
AGENCY_PROPOSED = "agency_proposed"


@dataclass(frozen=True)
class DunningPolicy:
    reminders: tuple[tuple[int, str], ...] = (
        (1, "reminder_1"),
        (15, "reminder_2"),
        (30, "final_notice"),
    )
    credit_hold_at: int = 60
    agency_at: int = 90

    def due_reminder(
        self, days_past_due: int, sent: list[str]
    ) -> tuple[str, tuple[str, ...]] | None:
        """The reminder level to send now, and the lower levels it skips."""
        reached = [level for threshold, level in self.reminders if days_past_due >= threshold]
        if not reached or reached[-1] in sent:
            return None
        skipped = tuple(level for level in reached[:-1] if level not in sent)
        return reached[-1], skipped
