"""Root causes of disputes: per reason code, for a period, how many, how much, how long,
and how often the debtor was right.

Plain SQL over the open-items read model's disputes (``rm_disputes``). Two different sets
of disputes answer: those *opened* in the period give the count and the disputed amount
(per currency: amounts are never converted); those *resolved* in the period give the
median cycle time (days from opened to resolved, as the KPIs count it) and the share
upheld (upheld ÷ resolved, in percent). A reason is listed when either set has one of
its disputes. The reason is the dispute's reason code now (a reclassification applies to
the dispute's whole life).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ledger.projections.amounts import from_minor
from ledger.projections.kpis import median, ratio
from ledger.projections.projection import Tables


@dataclass
class DisputeReasonFigures:
    reason_code: str
    opened: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)
    """Disputed amount of the disputes opened, by currency."""
    resolved: int = 0
    upheld: int = 0
    cycle_days: list[int] = field(default_factory=list)

    @property
    def median_cycle_days(self) -> Decimal | None:
        return median(self.cycle_days)

    @property
    def upheld_percent(self) -> Decimal | None:
        return ratio(self.upheld, self.resolved, 100)


def dispute_report(session: Any, open_items: Tables, start: date, end: date
                   ) -> list[DisputeReasonFigures]:
    """Per reason code (alphabetical), the figures of the period ``start``..``end``."""
    d = open_items["disputes"]
    found: dict[str, DisputeReasonFigures] = defaultdict(lambda: DisputeReasonFigures(""))
    opened = session.execute(
        select(d.c.reason_code, d.c.currency, func.count().label("n"),
               func.sum(d.c.amount_minor).label("minor"))
        .where(d.c.opened_on.between(start, end))
        .group_by(d.c.reason_code, d.c.currency)
    )
    for row in opened:
        figures = found[row.reason_code]
        figures.opened += int(row.n)
        figures.amounts[row.currency] = from_minor(int(row.minor), row.currency)
    resolved = session.execute(
        select(d.c.reason_code, d.c.outcome, d.c.opened_on, d.c.resolved_on)
        .where(d.c.resolved_on.between(start, end))
    )
    for row in resolved:
        figures = found[row.reason_code]
        figures.resolved += 1
        figures.upheld += row.outcome == "upheld"
        figures.cycle_days.append((row.resolved_on - row.opened_on).days)
    for code, figures in found.items():
        figures.reason_code = code
    return [found[code] for code in sorted(found)]
