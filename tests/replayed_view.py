"""The account view by replaying its events: the oracle the read-model view is held to.

Until the account view was read from the read models (`ledger.projections.account_view`)
it was computed like this: the aggregate replayed as known at T, and the dated movements
of its invoices and payments filtered by the business date D. That replay stays here,
as a test oracle only, with one correction: the release showed the *current* standing
(terms, limit, agent, flags, open promise, version, head hash) whatever D was asked,
while the view shows the standing as of D. Here that standing is the aggregate's own
``apply`` of its standing events dated by D (and of its opening, whatever its date), in
the order it recorded them, onto a bare state; version and head hash are those of the
last event dated by D.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from ledger.aggregates import Account, account_id_for
from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import LedgerEvent
from ledger.aggregates.errors import AccountNotFound
from ledger.aggregates.state import Dispute, Movement
from ledger.application import LedgerApplication
from ledger.canonical import GENESIS_HASH, plain
from ledger.money import zero
from ledger.service import LedgerService

STANDING = frozenset({
    "AccountOpened", "AccountTermsChanged", "CreditLimitSet", "AgentAssigned",
    "CeaseCommunicationRequested", "PlacedWithAgency", "RecalledFromAgency", "ReferredToLegal",
    "LegalReferralWithdrawn",
    "CreditHoldPlaced", "CreditHoldReleased", "PromiseToPayMade", "PromiseKept",
    "PromiseBroken",
})


def events_known_at(app: LedgerApplication, account_id: UUID, known_at: datetime | None
                    ) -> list[LedgerEvent]:
    return [e for e in app.account_events(account_id)
            if known_at is None or e.timestamp <= known_at]


def replay(events: list[LedgerEvent]) -> Account:
    account: Account | None = None
    for event in events:
        account = event.mutate(account)
    if account is None:
        raise AccountNotFound("no events")
    return account


def account_known_at(app: LedgerApplication, account_id: UUID, known_at: datetime | None
                     ) -> Account:
    """The account as the ledger knew it at ``known_at`` (all of it when None)."""
    events = events_known_at(app, account_id, known_at)
    if not events:
        raise AccountNotFound(f"account {account_id} not found (as known at {known_at})")
    return replay(events)


def _sum_on(movements: list[Movement], day: date, known_at: datetime | None) -> Decimal:
    return sum((m.amount for m in movements
                if m.on <= day and (known_at is None or m.recorded_at <= known_at)), Decimal(0))


def _open_on(dispute: Dispute, day: date, known_at: datetime | None) -> bool:
    if dispute.opened_on > day or (known_at is not None and dispute.opened_at > known_at):
        return False
    if dispute.resolved_on is None or dispute.resolved_at is None:
        return True
    return not (dispute.resolved_on <= day
                and (known_at is None or dispute.resolved_at <= known_at))


def money_view(account: Account, as_of: date, known_at: datetime | None) -> dict[str, Any]:
    """Invoices, totals and open disputes as the release's replay computed them."""
    rows = []
    for invoice in sorted(account.invoices.values(), key=lambda i: (i.due_date, i.invoice_id)):
        if invoice.issue_date > as_of:
            continue
        disputed = sum((d.amount for d in account.disputes.values()
                        if d.invoice_id == invoice.invoice_id
                        and _open_on(d, as_of, known_at)), zero(invoice.currency))
        rows.append({
            "invoice_id": invoice.invoice_id, "currency": invoice.currency,
            "amount": invoice.amount, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "days_past_due": (as_of - invoice.due_date).days,
            "outstanding": _sum_on(invoice.movements, as_of, known_at),
            "disputed": disputed, "reference": invoice.reference,
        })
    totals = {}
    for currency in account.currencies():
        mine = [r for r in rows if r["currency"] == currency]
        outstanding = sum((r["outstanding"] for r in mine), zero(currency))
        unapplied = sum((_sum_on(p.movements, as_of, known_at)
                         for p in account.payments.values() if p.currency == currency),
                        zero(currency))
        totals[currency] = {
            "outstanding": outstanding,
            "overdue": sum((r["outstanding"] for r in mine if r["days_past_due"] > 0),
                           zero(currency)),
            "disputed": sum((r["disputed"] for r in mine), zero(currency)),
            "unapplied_credit": unapplied,
            "balance": outstanding - unapplied,
        }
    return {
        "totals": totals,
        "invoices": [r for r in rows if r["outstanding"] != 0],
        "open_disputes": [
            {"dispute_id": d.dispute_id, "invoice_id": d.invoice_id, "amount": d.amount}
            for d in sorted(account.disputes.values(), key=lambda d: d.dispute_id)
            if _open_on(d, as_of, known_at)
        ],
    }


def standing_as_of(events: list[LedgerEvent]) -> Any:
    """The aggregate's own ``apply`` of its standing events, onto a bare state."""
    state: Any = AccountState()
    for event in events:
        if event.event_type not in STANDING:
            continue
        if event.event_type in ("PromiseKept", "PromiseBroken") and (
                getattr(event, "promise_id", None) not in state.promises):
            continue
        event.apply(state)
        if event.event_type == "AccountOpened":
            state.invoices = defaultdict(lambda: SimpleNamespace(dunning_levels=[]))
    return state


def replayed_view(service: LedgerService, number: str, as_of: date,
                  known_at: datetime | None = None) -> dict[str, Any]:
    """What `LedgerService.account_as_of` must answer, by replaying the events."""
    events = events_known_at(service.app, account_id_for(number), known_at)
    if not events:
        raise AccountNotFound(f"account {number!r} not found")
    account = replay(events)
    dated = [e for e in events if e.effective_on <= as_of]
    last = dated[-1].originator_version if dated else 0
    state = standing_as_of([events[0], *(e for e in dated if e is not events[0])])
    open_promise = next((p for p in state.promises.values() if p.status == "open"), None)
    view = {
        "account": account.number,
        "account_id": account.id,
        "name": account.name,
        "currency": account.currency,
        "terms_days": state.terms_days,
        "credit_limit": state.credit_limit,
        "timezone": account.timezone,
        "segment": account.segment,
        "agent_id": state.agent_id,
        "as_of": as_of,
        "known_at": known_at,
        "version": last,
        "head_hash": replay(events[:last]).head_hash if last else GENESIS_HASH,
        "flags": {
            "cease_communication": state.cease_communication,
            "agency_id": state.agency_id,
            "legal_referral": state.legal_referral,
            "credit_hold": state.credit_hold,
            "personal_data_erased": account.personal_data_erased,
        },
        **money_view(account, as_of, known_at),
        "open_promise": None if open_promise is None else {
            "promise_id": open_promise.promise_id, "amount": open_promise.amount,
            "currency": open_promise.currency, "due_date": open_promise.due_date,
        },
        "contact": service.contact(account),
    }
    result: dict[str, Any] = plain(view)
    return result
