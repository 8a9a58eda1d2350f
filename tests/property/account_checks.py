"""What must hold of an account after any sequence of commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger.aggregates import Account
from ledger.canonical import GENESIS_HASH
from tests.property.account_model import CURRENCIES, ModelAccount


def check_state_matches_replay(loaded: Account, replayed: Account) -> None:
    def state(account: Account) -> dict[str, Any]:
        return {k: v for k, v in vars(account).items() if k != "_pending_events"}

    assert state(loaded) == state(replayed)


def check_hash_chain(history: list[dict[str, Any]], account: Account) -> None:
    assert history[0]["prev_hash"] == GENESIS_HASH
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    for earlier, later in zip(history, history[1:], strict=False):
        assert later["prev_hash"] == earlier["hash"], f"chain broken at v{later['version']}"
    assert history[-1]["hash"] == account.head_hash
    assert history[-1]["version"] == account.version


def check_money(account: Account, today: date) -> None:
    for currency in CURRENCIES:
        invoices = [i for i in account.invoices.values() if i.currency == currency]
        open_total = sum((i.outstanding for i in invoices if i.outstanding > 0), Decimal(0))
        assert account.balance(currency) == open_total - account.unapplied_credit(currency)
    for invoice in account.invoices.values():
        assert 0 <= invoice.outstanding <= invoice.amount + invoice.debit_notes, invoice
        assert 0 <= invoice.disputed <= invoice.outstanding, invoice
        open_disputes = sum(
            (
                d.amount
                for d in account.disputes.values()
                if d.invoice_id == invoice.invoice_id and d.status == "open"
            ),
            Decimal(0),
        )
        assert invoice.disputed == open_disputes
        assert sum((m.amount for m in invoice.movements), Decimal(0)) == invoice.outstanding
        assert invoice.recovered <= invoice.written_off
    for payment in account.payments.values():
        assert all(amount > 0 for amount in payment.allocations.values())
        assert payment.allocated <= payment.amount, payment
        assert sum((m.amount for m in payment.movements), Decimal(0)) == payment.unapplied


def check_against_model(account: Account, model: ModelAccount) -> None:
    assert set(account.invoices) == set(model.invoices)
    assert set(account.payments) == set(model.payments)
    for currency in CURRENCIES:
        mine = [i for i in model.invoices.values() if i.currency == currency]
        expected = (
            sum((i.amount for i in mine), Decimal(0))
            - sum((i.credit for i in mine), Decimal(0))
            + sum((i.debit for i in mine), Decimal(0))
            - sum((i.allocated for i in mine), Decimal(0))
            - sum((i.written_off for i in mine), Decimal(0))
        )
        assert account.outstanding(currency) == expected, currency
        unapplied = sum(
            (p.unapplied for p in model.payments.values() if p.currency == currency), Decimal(0)
        )
        assert account.unapplied_credit(currency) == unapplied, currency
    for invoice_id, expected_invoice in model.invoices.items():
        invoice = account.invoices[invoice_id]
        assert invoice.outstanding == expected_invoice.outstanding, invoice_id
        assert invoice.disputed == expected_invoice.disputed, invoice_id
        assert invoice.due_date == expected_invoice.due_date, invoice_id
    for payment_id, expected_payment in model.payments.items():
        assert account.payments[payment_id].allocations == expected_payment.allocations
    if model.promise is not None:
        assert account.promises[model.promise["id"]].status == model.promise["status"]
