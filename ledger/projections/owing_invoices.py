"""Every invoice that owes something today, with its customer's name: what a statement
of incoming payments is made from, in the demo's morning and in the cash benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables


@dataclass(frozen=True)
class OwingInvoice:
    account: str
    account_name: str
    invoice_id: str
    owed: Decimal
    currency: str


def owing_invoices(session: Any, open_items: Tables) -> list[OwingInvoice]:
    """By account number and invoice id; the amount is the whole outstanding."""
    i, a = open_items["invoices"], open_items["accounts"]
    rows = session.execute(
        select(a.c.number, a.c.name, i.c.invoice_id, i.c.outstanding_minor, i.c.currency)
        .join(a, a.c.account_id == i.c.account_id)
        .where(i.c.outstanding_minor > 0).order_by(a.c.number, i.c.invoice_id))
    return [OwingInvoice(r.number, r.name, r.invoice_id,
                         from_minor(r.outstanding_minor, r.currency), r.currency)
            for r in rows]
