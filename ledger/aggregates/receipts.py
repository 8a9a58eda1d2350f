"""A receipt: one credit line of a bank statement, and what became of it.

One aggregate per receipt, never one for all, so that imports and clerks working the
queue never wait on each other. Its id derives from what identifies the line at the
bank (`receipt_id_for`), so a line imported twice, or announced by a camt.054 and then
booked in the camt.053, is the same receipt. Its events are chained like an account's
(``prev_hash``), carry the same envelope (who, when, under which command) and are
verified and relayed the same way.

A receipt is recorded, then either matched (``ReceiptMatched``: the rule, its evidence,
and how it pays, split across accounts if need be) or left unidentified
(``ReceiptLeftUnidentified``: why each rule did not match) until a person matches it or
returns it to the payer (``ReceiptReturned``). The bank may return the item later
(``ReceiptReversed``), which reverses the payments it made. Guards live in the commands,
never in ``apply``. No I/O here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import AccountStandingConflict, InvalidCommand
from ledger.aggregates.state import ExactDecimal
from ledger.canonical import GENESIS_HASH

RECEIPT_NAMESPACE = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "bank-receipts")

RECORDED, MATCHED, UNIDENTIFIED, RETURNED, REVERSED = (
    "recorded", "matched", "unidentified", "returned", "reversed")
STATUSES = (RECORDED, MATCHED, UNIDENTIFIED, RETURNED, REVERSED)


def receipt_id_for(key: str) -> UUID:
    """The receipt's id from its identity key (`ledger.cash.identity.receipt_key`)."""
    return uuid5(RECEIPT_NAMESPACE, key)


def payment_id_for(receipt_id: UUID, split: int) -> str:
    """The id of the payment a receipt's ``split``-th part (from 1) makes on its account."""
    return f"rcpt-{receipt_id.hex}-{split}"


class ReceiptRecorded(LedgerEvent, Aggregate.Created):
    """A credit line of a statement, as the bank gave it. ``key`` is what identifies it."""

    key: str
    statement_id: str
    statement_format: str
    sequence: int
    bank_account: str
    booked_on: date
    value_on: date
    amount: ExactDecimal
    currency: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    creditor_reference: str
    bank_reference: str
    end_to_end_id: str
    virtual_account: str

    def apply(self, receipt: Any) -> None:
        receipt.status = RECORDED
        receipt.amount = self.amount
        receipt.currency = self.currency
        receipt.splits = ()
        receipt.command_ids = set()


class ReceiptMatched(LedgerEvent):
    """``rule`` matched the receipt, for the reasons in ``evidence``. Each split pays one
    account: ``account``, ``amount``, ``payment_id``, ``allocations`` (invoice id and
    amount, decimal strings) and ``write_offs`` (a short payment within tolerance)."""

    rule: str
    evidence: dict[str, str]
    splits: tuple[dict[str, Any], ...]
    reason: str

    def apply(self, receipt: Any) -> None:
        receipt.status = MATCHED
        receipt.splits = self.splits
        receipt.command_ids.add(self.command_id)


class ReceiptLeftUnidentified(LedgerEvent):
    """No rule matched; ``evidence`` says why each did not, for the person who will."""

    evidence: dict[str, str]

    def apply(self, receipt: Any) -> None:
        receipt.status = UNIDENTIFIED


class ReceiptReturned(LedgerEvent):
    """A person sent the money back to the payer (``refund_reference`` at the bank)."""

    reason: str
    refund_reference: str

    def apply(self, receipt: Any) -> None:
        receipt.status = RETURNED
        receipt.command_ids.add(self.command_id)


class ReceiptReversed(LedgerEvent):
    """The bank returned the item (``return_reference``, the bank's ``reason``); the
    payments it made are reversed on their accounts."""

    reason: str
    return_reference: str

    def apply(self, receipt: Any) -> None:
        receipt.status = REVERSED


class Receipt(Aggregate):
    status: str
    amount: Decimal
    currency: str
    splits: tuple[dict[str, Any], ...]
    command_ids: set[str]
    head_hash: str = GENESIS_HASH

    def __init__(self) -> None:
        """State is set by `ReceiptRecorded.apply`, the one way a receipt comes to exist."""

    @classmethod
    def record(cls, ctx: CommandContext, **line: Any) -> Receipt:
        receipt_id = receipt_id_for(line["key"])
        receipt: Receipt = cls._create(
            ReceiptRecorded, id=receipt_id, timestamp=ctx.recorded_at,
            **ctx.envelope(line["booked_on"]), prev_hash=GENESIS_HASH, **line)
        return receipt

    def _record(self, event_class: type[LedgerEvent], ctx: CommandContext,
                **fields: Any) -> None:
        self.trigger_event(event_class, timestamp=max(ctx.recorded_at, self.modified_on),
                           **ctx.envelope(), prev_hash=self.head_hash, **fields)

    def match(self, ctx: CommandContext, rule: str, evidence: dict[str, str],
              splits: tuple[dict[str, Any], ...], reason: str = "") -> None:
        if self.status not in (RECORDED, UNIDENTIFIED):
            raise AccountStandingConflict(f"receipt {self.id} is {self.status}: only a new "
                                          "or unidentified receipt can be matched")
        total = sum((Decimal(s["amount"]) for s in splits), Decimal(0))
        if total != self.amount:
            raise InvalidCommand(f"the splits add up to {total} {self.currency}, "
                                 f"the receipt is {self.amount} {self.currency}")
        self._record(ReceiptMatched, ctx, rule=rule, evidence=evidence, splits=splits,
                     reason=reason)

    def leave_unidentified(self, ctx: CommandContext, evidence: dict[str, str]) -> None:
        if self.status != RECORDED:
            raise AccountStandingConflict(f"receipt {self.id} is already {self.status}")
        self._record(ReceiptLeftUnidentified, ctx, evidence=evidence)

    def give_back(self, ctx: CommandContext, reason: str, refund_reference: str) -> None:
        if self.status not in (RECORDED, UNIDENTIFIED):
            raise AccountStandingConflict(f"receipt {self.id} is {self.status}: only an "
                                          "unidentified receipt can be returned to the payer")
        self._record(ReceiptReturned, ctx, reason=reason, refund_reference=refund_reference)

    def reverse(self, ctx: CommandContext, reason: str, return_reference: str) -> None:
        if self.status in (REVERSED, RETURNED):
            raise AccountStandingConflict(f"receipt {self.id} is already {self.status}")
        self._record(ReceiptReversed, ctx, reason=reason, return_reference=return_reference)

    @property
    def recorded_at(self) -> datetime:
        return self.created_on
