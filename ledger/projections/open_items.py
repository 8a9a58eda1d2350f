"""Open items: accounts, invoices and payments with their dated money movements.

Each handler turns one event into rows. Currencies of invoices and payments are
looked up once and remembered, since a handler for a note or an allocation only
knows the invoice or payment id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, func, select, update

from ledger.projections.amounts import to_minor
from ledger.projections.batch_writer import BatchWriter
from ledger.projections.open_items_schema import open_items_tables
from ledger.projections.projection import Positioned, Projection, Tables
from ledger.projections.standing import FLAGS

TOTALS = (("invoices", "invoice_movements", "invoice_id", "outstanding_minor"),
          ("payments", "credit_movements", "payment_id", "unapplied_minor"))
"""Each item table, its movements, its key and its running total (`summed`)."""

ID_COLUMNS = {"invoices": "invoice_id", "payments": "payment_id", "disputes": "dispute_id"}


class OpenItemsProjection(Projection):
    name = "open_items"

    def __init__(self, *, totals_at_end: bool = False) -> None:
        self.currencies: dict[tuple[str, str, str], str] = {}
        self.totals_at_end = totals_at_end

    def replaying(self) -> OpenItemsProjection:
        """A rebuild leaves the running totals to `replayed`: folding them in batch by
        batch updates each invoice row again in every batch that moves it (a new row
        version and five index entries each time), which made a 1.5M-event rebuild
        2.7 times slower; one grouped pass over the movements at the end writes each once."""
        return OpenItemsProjection(totals_at_end=True)

    def replayed(self, session: Any, tables: Tables) -> None:
        for items, movements, key, total in TOTALS:
            session.execute(totals_from_movements(tables[items], tables[movements], key, total))

    def define(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        return open_items_tables(metadata, suffix, token)

    def handle(self, session: Any, tables: Tables, events: Sequence[Positioned]) -> None:
        writer = BatchWriter(session)
        batch = _Batch(self, session, tables, writer)
        for item in events:
            batch.apply(item)
        writer.flush()


class _Batch:
    """One batch's worth of handling: the writer, the tables and the position."""

    def __init__(self, owner: OpenItemsProjection, session: Any, tables: Tables,
                 writer: BatchWriter) -> None:
        self.owner, self.session, self.t, self.w = owner, session, tables, writer
        self.position = 0
        self.seq = 0

    def apply(self, item: Positioned) -> None:
        self.position, self.seq = item.position, 0
        event = item.event
        kind = event.event_type
        account = str(event.originator_id)
        if kind in FLAGS:
            self.w.update(self.t["accounts"], {"account_id": account}, **FLAGS[kind](vars(event)))
            return
        handler = getattr(self, f"on_{kind}", None)
        if handler is not None:
            handler(account, event)

    def currency(self, table: str, account: str, key: str) -> str:
        cache_key = (self.t[table].name, account, key)
        found = self.owner.currencies.get(cache_key)
        if found is None:
            t: Table = self.t[table]
            query = select(t.c.currency).where(t.c.account_id == account)
            if table in ID_COLUMNS:
                query = query.where(t.c[ID_COLUMNS[table]] == key)
            found = self.session.execute(query).scalar_one()
            self.owner.currencies[cache_key] = found
        return found

    def remember(self, table: str, account: str, key: str, currency: str) -> None:
        self.owner.currencies[(self.t[table].name, account, key)] = currency

    def invoice_movement(self, account: str, invoice_id: str, on: date, at: datetime,
                         kind: str, amount: Decimal, ref: str) -> None:
        currency = self.currency("invoices", account, invoice_id)
        minor = to_minor(amount, currency)
        self.seq += 1
        self.w.insert(
            self.t["invoice_movements"], position=self.position, seq=self.seq,
            account_id=account, invoice_id=invoice_id, currency=currency, on_date=on,
            recorded_at=at, kind=kind, amount_minor=minor, ref=ref,
        )
        if not self.owner.totals_at_end:
            self.w.accumulate(self.t["invoices"],
                              {"account_id": account, "invoice_id": invoice_id},
                              outstanding_minor=("add", minor), **_span(on, at))

    def credit_movement(self, account: str, payment_id: str, on: date, at: datetime,
                        kind: str, amount: Decimal) -> None:
        currency = self.currency("payments", account, payment_id)
        minor = to_minor(amount, currency)
        self.seq += 1
        self.w.insert(
            self.t["credit_movements"], position=self.position, seq=self.seq,
            account_id=account, payment_id=payment_id, currency=currency, on_date=on,
            recorded_at=at, kind=kind, amount_minor=minor,
        )
        if not self.owner.totals_at_end:
            self.w.accumulate(self.t["payments"],
                              {"account_id": account, "payment_id": payment_id},
                              unapplied_minor=("add", minor), **_span(on, at))

    def on_AccountOpened(self, account: str, e: Any) -> None:  # noqa: N802
        self.remember("accounts", account, "", e.currency)
        limit = None if e.credit_limit is None else to_minor(e.credit_limit, e.currency)
        self.w.insert(
            self.t["accounts"], account_id=account, number=e.number, name=e.name,
            currency=e.currency, segment=e.segment, agent_id=None, terms_days=e.terms_days,
            credit_limit_minor=limit, timezone=e.timezone, cease_communication=False,
            agency_id=None, legal_referral=False, credit_hold=False,
            personal_data_erased=False, opened_on=e.effective_on,
        )

    def on_CreditLimitSet(self, account: str, e: Any) -> None:  # noqa: N802
        currency = self.currency("accounts", account, "")
        limit = None if e.amount is None else to_minor(e.amount, currency)
        self.w.update(self.t["accounts"], {"account_id": account}, credit_limit_minor=limit)

    def on_InvoiceIssued(self, account: str, e: Any) -> None:  # noqa: N802
        self.remember("invoices", account, e.invoice_id, e.currency)
        self.w.insert(
            self.t["invoices"], account_id=account, invoice_id=e.invoice_id,
            currency=e.currency, amount_minor=to_minor(e.amount, e.currency),
            issue_date=e.issue_date, due_date=e.due_date, recorded_at=e.timestamp,
            reference=e.reference, outstanding_minor=0, **_no_span(e.issue_date, e.timestamp),
        )
        self.invoice_movement(account, e.invoice_id, e.issue_date, e.timestamp, "issued",
                              e.amount, e.invoice_id)

    def on_InvoiceAdjusted(self, account: str, e: Any) -> None:  # noqa: N802
        sign = -1 if e.kind == "credit" else 1
        self.invoice_movement(account, e.invoice_id, e.effective_on, e.timestamp,
                              f"{e.kind}_note", sign * e.amount, e.note_id)

    def on_PaymentReceived(self, account: str, e: Any) -> None:  # noqa: N802
        self.remember("payments", account, e.payment_id, e.currency)
        self.w.insert(
            self.t["payments"], account_id=account, payment_id=e.payment_id,
            currency=e.currency, amount_minor=to_minor(e.amount, e.currency),
            received_on=e.received_on, recorded_at=e.timestamp, reference=e.reference,
            reversed_on=None, reversed_at=None, unapplied_minor=0,
            **_no_span(e.received_on, e.timestamp),
        )
        self.credit_movement(account, e.payment_id, e.received_on, e.timestamp, "received",
                             e.amount)

    def on_PaymentAllocated(self, account: str, e: Any) -> None:  # noqa: N802
        for allocation in e.allocations:
            self.invoice_movement(account, allocation.invoice_id, e.effective_on, e.timestamp,
                                  "allocation", -allocation.amount, e.payment_id)
            self.credit_movement(account, e.payment_id, e.effective_on, e.timestamp,
                                 "allocation", -allocation.amount)

    def on_PaymentReversed(self, account: str, e: Any) -> None:  # noqa: N802
        for allocation in e.reopened:
            self.invoice_movement(account, allocation.invoice_id, e.effective_on, e.timestamp,
                                  "reversal", allocation.amount, e.payment_id)
        self.credit_movement(account, e.payment_id, e.effective_on, e.timestamp, "reversal",
                             -e.unapplied_removed)
        self.w.update(self.t["payments"], {"account_id": account, "payment_id": e.payment_id},
                      reversed_on=e.effective_on, reversed_at=e.timestamp)

    def on_CreditRefunded(self, account: str, e: Any) -> None:  # noqa: N802
        for share in e.taken:
            self.credit_movement(account, share["payment_id"], e.effective_on, e.timestamp,
                                 "refund", -Decimal(share["amount"]))

    def on_InvoiceWrittenOff(self, account: str, e: Any) -> None:  # noqa: N802
        self.invoice_movement(account, e.invoice_id, e.effective_on, e.timestamp, e.kind,
                              -e.amount, e.ref)

    def on_DisputeOpened(self, account: str, e: Any) -> None:  # noqa: N802
        currency = self.currency("invoices", account, e.invoice_id)
        self.remember("disputes", account, e.dispute_id, currency)
        self.w.insert(
            self.t["disputes"], account_id=account, dispute_id=e.dispute_id,
            invoice_id=e.invoice_id, currency=currency,
            amount_minor=to_minor(e.amount, currency), opened_on=e.effective_on,
            opened_at=e.timestamp, opened_by=e.actor_id, resolved_on=None, resolved_at=None,
            outcome=None, credited_minor=None, reason_code=e.reason_code, owner=e.owner,
        )

    def on_DisputeReasonChanged(self, account: str, e: Any) -> None:  # noqa: N802
        self.w.update(self.t["disputes"], {"account_id": account, "dispute_id": e.dispute_id},
                      reason_code=e.reason_code)

    def on_DisputeOwnerAssigned(self, account: str, e: Any) -> None:  # noqa: N802
        self.w.update(self.t["disputes"], {"account_id": account, "dispute_id": e.dispute_id},
                      owner=e.owner)

    def on_DisputeResolved(self, account: str, e: Any) -> None:  # noqa: N802
        currency = self.currency("disputes", account, e.dispute_id)
        self.w.update(
            self.t["disputes"], {"account_id": account, "dispute_id": e.dispute_id},
            resolved_on=e.effective_on, resolved_at=e.timestamp, outcome=e.outcome,
            credited_minor=to_minor(e.credited, currency),
        )




def _span(on: date, at: datetime) -> dict[str, tuple[str, Any]]:
    """A movement widens its item's span of dates and recorded times (`summed`)."""
    return {"first_on": ("least", on), "last_on": ("greatest", on),
            "first_recorded_at": ("least", at), "last_recorded_at": ("greatest", at)}


def _no_span(on: date, at: datetime) -> dict[str, Any]:
    """A new item's span before its first movement (recorded with it) widens it."""
    return {"first_on": on, "last_on": on, "first_recorded_at": at, "last_recorded_at": at}


def totals_from_movements(items: Table, movements: Table, key: str, total: str) -> Any:
    """Every item's running total and span set from its movements in one statement (an
    item without movements keeps those it was inserted with)."""
    m = movements
    sums = (
        select(m.c.account_id, m.c[key], func.sum(m.c.amount_minor).label("total"),
               func.min(m.c.on_date).label("first_on"), func.max(m.c.on_date).label("last_on"),
               func.min(m.c.recorded_at).label("first_recorded_at"),
               func.max(m.c.recorded_at).label("last_recorded_at"))
        .group_by(m.c.account_id, m.c[key])
        .subquery("sums")
    )
    return (
        update(items)
        .where(items.c.account_id == sums.c.account_id, items.c[key] == sums.c[key])
        .values({total: sums.c.total, "first_on": sums.c.first_on, "last_on": sums.c.last_on,
                 "first_recorded_at": sums.c.first_recorded_at,
                 "last_recorded_at": sums.c.last_recorded_at})
    )
