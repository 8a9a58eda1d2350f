"""An account's events as the account page's timeline shows them: who, when (the recorded
UTC time, also in the account's local time), why, and the link in the hash chain.

The records are the API's own history (`api.history_pages.account_records`, what
``GET /accounts/{account}/history`` returns) and the account's refused contacts
(`ledger.audit.refusal_records`, what ``GET /accounts/{account}/contact-refusals``
returns), merged by recorded time; this only picks out what a person reads. A refusal
is marked as one: it is evidence kept beside the account, not one of its events, so its
number and hash link are its compliance stream's.

Some events say more than their reason fields: a notice sent lists its level, channel,
template and the invoices it asked for (each with its level and amount, and the total per
currency: amounts stay Decimals for the template's Babel filters), and a statement sent on
demand (a `NoticeSent` too) its open items and unapplied credit; a delivery or a failure
names its notice, channel and the failure's reason; a dispute's reason or owner change
says from what to what. Their labels say what happened in a collector's words
(`LABELS`), the rest are the event's name in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from heapq import merge
from typing import Any

from ledger.aggregates.dunning_policy import STATEMENT

WHY_FIELDS = ("reason", "reason_code", "note", "description", "outcome")
"""Payload fields that say why, in the order shown."""
REFUSED = "ContactRefused"
REFUSAL_FIELDS = ("rule", "reason", "channel", "purpose", "at")
"""A refusal's payload fields, in the order shown: the rule and its words first."""
SHORT = 10
LABELS = {
    "NoticeSent": "Notice sent", "NoticeDelivered": "Notice delivered",
    "NoticeFailed": "Notice delivery failed", "DisputeReasonChanged": "Dispute reason changed",
    "DisputeOwnerAssigned": "Dispute owner changed",
}
"""Events whose name in words (`words`) would not say plainly enough what happened."""


@dataclass(frozen=True)
class NoticedInvoice:
    """One invoice a notice asked for: its level and the (undisputed) amount asked."""

    invoice_id: str
    level: str
    currency: str
    amount: Decimal


def _change(before: Any, after: Any) -> str:
    return f"{before or 'none'} → {after or 'none'}"


def _fields(*names: str) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    def pick(payload: dict[str, Any]) -> list[tuple[str, str]]:
        return [(name.replace("_", " "), str(payload[name])) for name in names
                if payload.get(name) not in (None, "")]
    return pick


DETAILS: dict[str, Callable[[dict[str, Any]], list[tuple[str, str]]]] = {
    "NoticeSent": _fields("notice_id", "level", "channel", "template"),
    "NoticeDelivered": _fields("notice_id", "channel"),
    "NoticeFailed": _fields("notice_id", "channel", "reason"),
    "DisputeOpened": _fields("dispute_id", "invoice_id", "reason_code", "owner", "reason"),
    "DisputeReasonChanged": lambda p: [
        ("dispute", str(p.get("dispute_id"))),
        ("reason code", _change(p.get("previous_code"), p.get("reason_code"))),
        *_fields("reason")(p)],
    "DisputeOwnerAssigned": lambda p: [
        ("dispute", str(p.get("dispute_id"))),
        ("owner", _change(p.get("previous_owner"), p.get("owner"))),
        *_fields("reason")(p)],
}
"""Per event type, the payload fields shown as its *why*, in order (else `WHY_FIELDS`)."""


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    kind: str
    effective_on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str
    why: list[tuple[str, str]]
    hash: str
    prev_hash: str
    refusal: bool = False
    invoices: tuple[NoticedInvoice, ...] = ()
    """A notice's invoices, as it listed them (empty for any other event)."""
    totals: dict[str, Decimal] = field(default_factory=dict)
    """What a notice listed in all (the undisputed parts), per currency."""
    credits: dict[str, Decimal] = field(default_factory=dict)
    """A statement's unapplied credit per currency (a dunning notice lists none)."""

    @property
    def short_hash(self) -> str:
        return self.hash[:SHORT]

    @property
    def short_prev_hash(self) -> str:
        return self.prev_hash[:SHORT]


def entry(record: dict[str, Any]) -> TimelineEntry:
    payload = record.get("payload") or {}
    kind = record["type"]
    refusal = kind == REFUSED
    pick = DETAILS.get(kind) or _fields(*(REFUSAL_FIELDS if refusal else WHY_FIELDS))
    invoices = noticed_invoices(payload) if kind == "NoticeSent" else ()
    totals: dict[str, Decimal] = {}
    for invoice in invoices:
        totals[invoice.currency] = totals.get(invoice.currency, Decimal(0)) + invoice.amount
    statement = kind == "NoticeSent" and payload.get("level") == STATEMENT
    return TimelineEntry(
        version=record["version"],
        kind="Statement sent" if statement else LABELS.get(kind) or words(kind),
        effective_on=date.fromisoformat(str(record["effective_on"])),
        recorded_at=datetime.fromisoformat(str(record["recorded_at"])),
        actor_id=record["actor_id"], actor_role=record["actor_role"], why=pick(payload),
        hash=record["hash"], prev_hash=record["prev_hash"], refusal=refusal,
        invoices=invoices, totals=totals,
        credits={str(c["currency"]): Decimal(str(c["amount"]))
                 for c in payload.get("credits") or ()} if kind == "NoticeSent" else {},
    )


def noticed_invoices(payload: dict[str, Any]) -> tuple[NoticedInvoice, ...]:
    return tuple(
        NoticedInvoice(str(line["invoice_id"]), str(line["level"]), str(line["currency"]),
                       Decimal(str(line["amount"])))
        for line in payload.get("invoices") or ())


def timeline(
    records: Iterable[dict[str, Any]], refusals: Iterable[dict[str, Any]] = ()
) -> list[TimelineEntry]:
    """Every event and refusal, oldest first: each in its chain's order, the two merged by
    recorded time (never going backwards within either)."""
    entries = merge(map(entry, records), map(entry, refusals), key=lambda e: e.recorded_at)
    return list(entries)


def words(event_type: str) -> str:
    """``PromiseToPayMade`` -> ``Promise to pay made``."""
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", event_type)
    return spaced[:1] + spaced[1:].lower()
