"""Cash application's read model: receipts, how they paid, and what matching looks up.

- ``rm_receipts``: one row per receipt with its status (recorded, matched, unidentified,
  returned, reversed), the rule that decided it and its evidence: the unidentified queue
  and the cash-application report read it.
- ``rm_receipt_splits``: one row per account a matched receipt paid, with the payment.
- ``rm_payer_accounts``: which bank account (or virtual account) pays which customer,
  set on the account (``PayerAccountRecorded``) or learnt from a receipt matched to one
  account only.
- ``rm_invoice_numbers``: every invoice id in its folded form
  (`ledger.cash.references.fold`), so a remittance text's candidates are found by index.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from ledger.cash.identity import compact
from ledger.cash.references import fold
from ledger.projections.amounts import to_minor
from ledger.projections.batch_writer import BatchWriter
from ledger.projections.projection import Positioned, Projection, Tables, index

LEARNT, SET = "learnt", "set"


def cash_tables(metadata: MetaData, suffix: str, token: str) -> Tables:
    receipts = Table(
        "rm_receipts" + suffix, metadata,
        Column("receipt_id", String(36), primary_key=True),
        Column("key", String(400), nullable=False),
        Column("statement_id", String(256), nullable=False),
        Column("statement_format", String(16), nullable=False),
        Column("sequence", Integer, nullable=False),
        Column("bank_account", String(64), nullable=False),
        Column("booked_on", Date, nullable=False),
        Column("value_on", Date, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("counterparty_name", String(200), nullable=False),
        Column("counterparty_account", String(64), nullable=False),
        Column("remittance", Text, nullable=False),
        Column("creditor_reference", String(64), nullable=False),
        Column("bank_reference", String(256), nullable=False),
        Column("end_to_end_id", String(256), nullable=False),
        Column("virtual_account", String(64), nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("status", String(16), nullable=False),
        Column("rule", String(32)),
        Column("evidence", Text, nullable=False),
        Column("decided_on", Date),
        Column("decided_at", DateTime(timezone=True)),
        Column("decided_by", String(128)),
        Column("reason", Text, nullable=False),
    )
    index(receipts.name, token, receipts.c.key, unique=True)
    index(receipts.name, token, receipts.c.status, receipts.c.value_on)
    index(receipts.name, token, receipts.c.bank_reference)
    index(receipts.name, token, receipts.c.end_to_end_id)
    splits = Table(
        "rm_receipt_splits" + suffix, metadata,
        Column("receipt_id", String(36), primary_key=True),
        Column("split", Integer, primary_key=True),
        Column("account_id", String(36), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("payment_id", String(64), nullable=False),
    )
    index(splits.name, token, splits.c.account_id)
    payers = Table(
        "rm_payer_accounts" + suffix, metadata,
        Column("bank_account", String(64), primary_key=True),
        Column("account_id", String(36), primary_key=True),
        Column("kind", String(16), primary_key=True),
        Column("source", String(8), nullable=False),
        Column("first_on", Date, nullable=False),
    )
    numbers = Table(
        "rm_invoice_numbers" + suffix, metadata,
        Column("account_id", String(36), primary_key=True),
        Column("invoice_id", String(64), primary_key=True),
        Column("folded", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
    )
    index(numbers.name, token, numbers.c.folded)
    return Tables(receipts=receipts, splits=splits, payers=payers, invoice_numbers=numbers)


class CashProjection(Projection):
    name = "cash"

    def define(self, metadata: MetaData, suffix: str, token: str) -> Tables:
        return cash_tables(metadata, suffix, token)

    def account_tables(self, tables: Tables) -> list[Table]:
        """Only invoice numbers come from an account's events alone: receipts, their
        splits and learnt payers come from the receipts' streams, and stay."""
        return [tables["invoice_numbers"]]

    def handle(self, session: Any, tables: Tables, events: Sequence[Positioned]) -> None:
        writer = BatchWriter(session)
        handlers = _Handlers(tables, writer)
        for item in events:
            handler = getattr(handlers, f"on_{item.event.event_type}", None)
            if handler is not None:
                handler(str(item.event.originator_id), item.event)
        writer.flush()


class _Handlers:
    def __init__(self, tables: Tables, writer: BatchWriter) -> None:
        self.t, self.w = tables, writer
        self.payers: set[tuple[str, str, str]] = set()

    def on_InvoiceIssued(self, account: str, e: Any) -> None:  # noqa: N802
        self.w.insert(self.t["invoice_numbers"], account_id=account, invoice_id=e.invoice_id,
                      folded=fold(e.invoice_id)[:64], currency=e.currency)

    def on_PayerAccountRecorded(self, account: str, e: Any) -> None:  # noqa: N802
        self._payer(compact(e.bank_account), account, e.kind, SET, e.effective_on)

    def _payer(self, bank_account: str, account: str, kind: str, source: str, on: Any) -> None:
        key = (bank_account, account, kind)
        if not bank_account or key in self.payers:
            return
        self.payers.add(key)
        found = self.w.lookup(self.t["payers"], {"bank_account": bank_account,
                                                 "account_id": account, "kind": kind}, "source")
        if found is None:
            self.w.insert(self.t["payers"], bank_account=bank_account, account_id=account,
                          kind=kind, source=source, first_on=on)
        elif found == LEARNT and source == SET:
            self.w.update(self.t["payers"], {"bank_account": bank_account,
                                             "account_id": account, "kind": kind}, source=SET)

    def on_ReceiptRecorded(self, receipt: str, e: Any) -> None:  # noqa: N802
        self.w.insert(
            self.t["receipts"], receipt_id=receipt, key=e.key, statement_id=e.statement_id,
            statement_format=e.statement_format, sequence=e.sequence,
            bank_account=e.bank_account, booked_on=e.booked_on, value_on=e.value_on,
            currency=e.currency, amount_minor=to_minor(e.amount, e.currency),
            counterparty_name=e.counterparty_name,
            counterparty_account=compact(e.counterparty_account),
            remittance=e.remittance, creditor_reference=e.creditor_reference,
            bank_reference=e.bank_reference, end_to_end_id=e.end_to_end_id,
            virtual_account=compact(e.virtual_account), recorded_at=e.timestamp,
            status="recorded", rule=None, evidence="{}", decided_on=None, decided_at=None,
            decided_by=None, reason="",
        )

    def _decided(self, receipt: str, e: Any, status: str, **values: Any) -> None:
        self.w.update(self.t["receipts"], {"receipt_id": receipt}, status=status,
                      decided_on=e.effective_on, decided_at=e.timestamp,
                      decided_by=e.actor_id, **values)

    def on_ReceiptMatched(self, receipt: str, e: Any) -> None:  # noqa: N802
        self._decided(receipt, e, "matched", rule=e.rule,
                      evidence=json.dumps(e.evidence, sort_keys=True), reason=e.reason)
        key = {"receipt_id": receipt}
        currency = self.w.lookup(self.t["receipts"], key, "currency")
        for number, split in enumerate(e.splits, start=1):
            self.w.insert(self.t["splits"], receipt_id=receipt, split=number,
                          account_id=split["account_id"], currency=currency,
                          amount_minor=to_minor(Decimal(split["amount"]), currency),
                          payment_id=split["payment_id"])
        if len(e.splits) == 1:
            payer = self.w.lookup(self.t["receipts"], key, "counterparty_account")
            self._payer(payer or "", e.splits[0]["account_id"], "bank_account", LEARNT,
                        e.effective_on)

    def on_ReceiptLeftUnidentified(self, receipt: str, e: Any) -> None:  # noqa: N802
        self._decided(receipt, e, "unidentified",
                      evidence=json.dumps(e.evidence, sort_keys=True))

    def on_ReceiptReturned(self, receipt: str, e: Any) -> None:  # noqa: N802
        self._decided(receipt, e, "returned", reason=e.reason)

    def on_ReceiptReversed(self, receipt: str, e: Any) -> None:  # noqa: N802
        self._decided(receipt, e, "reversed", reason=e.reason)
