"""An account as of a business date, as known at a recorded time.

Built from the aggregate's dated movements: only movements on or before
``as_of`` (and, with ``known_at``, recorded by then) count. The result is plain
data in a fixed order, so the same events always give byte-identical output.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.aggregates import Account
from ledger.canonical import plain
from ledger.money import zero


def _invoice_rows(account: Account, as_of: date, known_at: datetime | None) -> list[dict[str, Any]]:
    rows = []
    for invoice in sorted(account.invoices.values(), key=lambda i: (i.due_date, i.invoice_id)):
        if invoice.issue_date > as_of:
            continue
        disputed = sum(
            (
                d.amount
                for d in account.disputes.values()
                if d.invoice_id == invoice.invoice_id and d.is_open_on(as_of, known_at)
            ),
            zero(invoice.currency),
        )
        rows.append(
            {
                "invoice_id": invoice.invoice_id,
                "currency": invoice.currency,
                "amount": invoice.amount,
                "issue_date": invoice.issue_date,
                "due_date": invoice.due_date,
                "days_past_due": (as_of - invoice.due_date).days,
                "outstanding": invoice.outstanding_on(as_of, known_at),
                "disputed": disputed,
                "reference": invoice.reference,
            }
        )
    return rows


def _totals(
    account: Account, rows: list[dict[str, Any]], as_of: date, known_at: datetime | None
) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = {}
    for currency in account.currencies():
        mine = [r for r in rows if r["currency"] == currency]
        outstanding = sum((r["outstanding"] for r in mine), zero(currency))
        unapplied = sum(
            (
                p.unapplied_on(as_of, known_at)
                for p in account.payments.values()
                if p.currency == currency
            ),
            zero(currency),
        )
        totals[currency] = {
            "outstanding": outstanding,
            "overdue": sum(
                (r["outstanding"] for r in mine if r["days_past_due"] > 0), zero(currency)
            ),
            "disputed": sum((r["disputed"] for r in mine), zero(currency)),
            "unapplied_credit": unapplied,
            "balance": outstanding - unapplied,
        }
    return totals


def account_view(account: Account, as_of: date, known_at: datetime | None = None) -> dict[str, Any]:
    rows = _invoice_rows(account, as_of, known_at)
    view = {
        "account": account.number,
        "account_id": account.id,
        "name": account.name,
        "currency": account.currency,
        "terms_days": account.terms_days,
        "credit_limit": account.credit_limit,
        "timezone": account.timezone,
        "segment": account.segment,
        "agent_id": account.agent_id,
        "as_of": as_of,
        "known_at": known_at,
        "version": account.version,
        "head_hash": account.head_hash,
        "flags": {
            "cease_communication": account.cease_communication,
            "agency_id": account.agency_id,
            "legal_referral": account.legal_referral,
            "credit_hold": account.credit_hold,
            "personal_data_erased": account.personal_data_erased,
        },
        "totals": _totals(account, rows, as_of, known_at),
        "invoices": [r for r in rows if r["outstanding"] != 0],
        "open_disputes": [
            {"dispute_id": d.dispute_id, "invoice_id": d.invoice_id, "amount": d.amount}
            for d in sorted(account.disputes.values(), key=lambda d: d.dispute_id)
            if d.is_open_on(as_of, known_at)
        ],
        "open_promise": next(
            (
                {
                    "promise_id": p.promise_id,
                    "amount": p.amount,
                    "currency": p.currency,
                    "due_date": p.due_date,
                }
                for p in account.promises.values()
                if p.status == "open"
            ),
            None,
        ),
    }
    result: dict[str, Any] = plain(view)
    return result
