"""The approvals queue: write-off and settlement requests waiting for a second person.

Both kinds are rows the activity read model already keeps (``rm_write_off_requests``
with status ``pending``, ``rm_settlements`` with status ``pending_approval``); this is the
question asked of them, oldest first, with who asked, when and why, so a manager works
the queue in the order the requests arrived. The account's number and name come from the
open items' directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables

WRITE_OFF, SETTLEMENT = "write-off", "settlement"


@dataclass(frozen=True)
class PendingApproval:
    """One request; ``reason`` is the requester's (a settlement request carries none),
    ``due_by`` the date a settlement must be paid by (None for a write-off)."""

    kind: str
    request_id: str
    account: str
    account_name: str
    invoice_id: str | None
    amount: Decimal
    currency: str
    reason: str | None
    requested_by: str
    requested_on: date
    due_by: date | None

    def age_days(self, today: date) -> int:
        return (today - self.requested_on).days


def pending_approvals(session: Any, activity: Tables, open_items: Tables) -> list[PendingApproval]:
    """Every request still waiting for a decision, oldest first (then by kind and id)."""
    found = _write_off_requests(session, activity, open_items)
    found += _settlement_requests(session, activity, open_items)
    return sorted(found, key=lambda p: (p.requested_on, p.kind, p.account, p.request_id))


def _write_off_requests(session: Any, activity: Tables, open_items: Tables
                        ) -> list[PendingApproval]:
    w, a = activity["write_off_requests"], open_items["accounts"]
    rows = session.execute(
        select(w.c.request_id, a.c.number, a.c.name, w.c.invoice_id, w.c.amount, w.c.reason,
               w.c.requested_by, w.c.requested_on)
        .join(a, a.c.account_id == w.c.account_id)
        .where(w.c.status == "pending")
    ).all()
    requests = []
    for r in rows:
        amount, currency = r.amount.split()  # stored as "1250.00 USD"
        requests.append(PendingApproval(
            WRITE_OFF, r.request_id, r.number, r.name, r.invoice_id, Decimal(amount),
            currency, r.reason, r.requested_by, r.requested_on, None,
        ))
    return requests


def _settlement_requests(session: Any, activity: Tables, open_items: Tables
                         ) -> list[PendingApproval]:
    s, a = activity["settlements"], open_items["accounts"]
    rows = session.execute(
        select(s.c.settlement_id, a.c.number, a.c.name, s.c.amount_minor, s.c.currency,
               s.c.requested_by, s.c.proposed_on, s.c.due_by)
        .join(a, a.c.account_id == s.c.account_id)
        .where(s.c.status == "pending_approval")
    ).all()
    return [
        PendingApproval(SETTLEMENT, r.settlement_id, r.number, r.name, None,
                        from_minor(r.amount_minor, r.currency), r.currency, None,
                        r.requested_by, r.proposed_on, r.due_by)
        for r in rows
    ]
