"""The bad-input matrix: each bad command fails with its named error and writes nothing.

Given an account in USD owing INV-1 (USD 1000.00) and INV-K (KWD 5.000), each
command below is refused with the named error, and the event store's last
position (``max_notification_id``) is the same before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import (
    AccountNotFound,
    AmountExceedsOutstanding,
    CurrencyMismatch,
    InvalidAmount,
    InvalidDates,
    InvoiceNotFound,
    OverAllocation,
    UnknownCurrency,
)
from ledger.commands.accounts import OpenAccount, SetCreditLimit
from ledger.commands.base import Command
from ledger.commands.collections import (
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordContact,
    RecordRecovery,
    RequestWriteOff,
    WriteOff,
)
from ledger.commands.receivables import (
    AdjustInvoice,
    AllocationLine,
    IssueInvoice,
    RecordPayment,
)
from ledger.service import LedgerService
from tests.builders import MANAGER
from tests.support.reliability import RecordFigures
from tests.unit.given import ACCOUNT, an_account, an_invoice, rejected

DAY = date(2026, 1, 15)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    an_invoice(service, "INV-K", "5.000", currency="KWD")
    return service


def invoice(amount: Any = "10.00", currency: str = "USD", **fields: Any) -> IssueInvoice:
    return IssueInvoice.model_validate(
        {
            "account": ACCOUNT,
            "invoice_id": "INV-NEW",
            "amount": Decimal(amount) if isinstance(amount, str) else amount,
            "currency": currency,
            "issue_date": DAY,
        }
        | fields
    )


def payment(
    amount: Any = "10.00",
    currency: str = "USD",
    lines: tuple[tuple[str, Any], ...] = (),
    **fields: Any,
) -> RecordPayment:
    return RecordPayment.model_validate(
        {
            "account": ACCOUNT,
            "payment_id": "PAY-NEW",
            "amount": Decimal(amount) if isinstance(amount, str) else amount,
            "currency": currency,
            "received_on": DAY,
            "allocations": tuple(
                AllocationLine(invoice_id=i, amount=Decimal(a) if isinstance(a, str) else a)
                for i, a in lines
            ),
        }
        | fields
    )


def write_off(amount: Any, invoice_id: str = "INV-1") -> WriteOff:
    value = Decimal(amount) if isinstance(amount, str) else amount
    return WriteOff(account=ACCOUNT, invoice_id=invoice_id, amount=value, reason="x")


MATRIX: list[Any] = [
    # Amounts that do not fit their currency, or are not positive
    pytest.param(lambda: invoice("10.001"), InvalidAmount, id="usd-fractional-cent"),
    pytest.param(lambda: invoice("1.5", "JPY"), InvalidAmount, id="jpy-fraction"),
    pytest.param(lambda: invoice("0.0001", "KWD"), InvalidAmount, id="kwd-four-decimals"),
    pytest.param(lambda: payment("10.001"), InvalidAmount, id="payment-fractional-cent"),
    pytest.param(lambda: payment("1.5", "JPY"), InvalidAmount, id="payment-jpy-fraction"),
    pytest.param(lambda: invoice("0"), InvalidAmount, id="invoice-zero"),
    pytest.param(lambda: invoice("-10.00"), InvalidAmount, id="invoice-negative"),
    pytest.param(lambda: payment("0"), InvalidAmount, id="payment-zero"),
    pytest.param(lambda: payment("-0.01"), InvalidAmount, id="payment-negative"),
    pytest.param(lambda: payment("10", lines=(("INV-1", "0"),)), InvalidAmount, id="alloc-zero"),
    pytest.param(lambda: write_off("0"), InvalidAmount, id="write-off-zero"),
    pytest.param(lambda: write_off("-1"), InvalidAmount, id="write-off-negative"),
    pytest.param(lambda: write_off("0.0001", "INV-K"), InvalidAmount, id="write-off-kwd-extra"),
    pytest.param(
        lambda: SetCreditLimit(account=ACCOUNT, amount=Decimal("0.001")),
        InvalidAmount,
        id="credit-limit-fraction",
    ),
    # Floats never reach the domain
    pytest.param(lambda: invoice(10.5), ValidationError, id="float-invoice"),
    pytest.param(lambda: payment(1.0), ValidationError, id="float-payment"),
    pytest.param(lambda: payment("1", lines=(("INV-1", 0.1),)), ValidationError, id="float-line"),
    pytest.param(lambda: write_off(0.5), ValidationError, id="float-write-off"),
    pytest.param(
        lambda: SetCreditLimit(account=ACCOUNT, amount=1.5), ValidationError, id="float-limit"
    ),
    pytest.param(lambda: invoice(Decimal("NaN")), ValidationError, id="nan"),
    pytest.param(lambda: invoice("Infinity"), ValidationError, id="infinity"),
    # Currencies
    pytest.param(lambda: invoice("10.00", "XYZ"), UnknownCurrency, id="invoice-xyz"),
    pytest.param(lambda: payment("10.00", "XYZ"), UnknownCurrency, id="payment-xyz"),
    pytest.param(
        lambda: OpenAccount(account="ACC-X", name="X", currency="XYZ"),
        UnknownCurrency,
        id="account-xyz",
    ),
    pytest.param(
        lambda: MakePromise(
            account=ACCOUNT, promise_id="P", amount=Decimal(1), currency="XYZ", due_date=DAY
        ),
        UnknownCurrency,
        id="promise-xyz",
    ),
    pytest.param(lambda: invoice("10.00", "usd"), ValidationError, id="lowercase-currency"),
    pytest.param(
        lambda: payment("10.00", "EUR", lines=(("INV-1", "10.00"),)),
        CurrencyMismatch,
        id="eur-payment-for-usd-invoice",
    ),
    # Unknown things
    pytest.param(lambda: write_off("1", "INV-404"), InvoiceNotFound, id="write-off-unknown"),
    pytest.param(
        lambda: payment("10", lines=(("INV-404", "10"),)), InvoiceNotFound, id="alloc-unknown"
    ),
    pytest.param(
        lambda: OpenDispute(
            account=ACCOUNT, dispute_id="D", invoice_id="INV-404", amount=Decimal(1), reason="x"
        ),
        InvoiceNotFound,
        id="dispute-unknown",
    ),
    pytest.param(
        lambda: AdjustInvoice(
            account=ACCOUNT, invoice_id="INV-404", note_id="N", kind="credit", amount=Decimal(1)
        ),
        InvoiceNotFound,
        id="note-unknown",
    ),
    pytest.param(
        lambda: RequestWriteOff(
            account=ACCOUNT, request_id="R", invoice_id="INV-404", amount=Decimal(1), reason="x"
        ),
        InvoiceNotFound,
        id="request-unknown",
    ),
    pytest.param(
        lambda: RecordRecovery(
            account=ACCOUNT,
            recovery_id="R",
            invoice_id="INV-404",
            amount=Decimal(1),
            received_on=DAY,
        ),
        InvoiceNotFound,
        id="recovery-unknown",
    ),
    pytest.param(lambda: invoice(account="NOPE"), AccountNotFound, id="invoice-no-account"),
    pytest.param(lambda: payment(account="NOPE"), AccountNotFound, id="payment-no-account"),
    pytest.param(
        lambda: ProcessDay(account="NOPE", day=DAY), AccountNotFound, id="tick-no-account"
    ),
    pytest.param(
        lambda: RecordContact(
            account="NOPE",
            contact_id="C",
            channel="email",
            outcome="sent",
            at=datetime(2026, 1, 15, 12, tzinfo=UTC),
        ),
        AccountNotFound,
        id="contact-no-account",
    ),
    # Amounts beyond what is owed or paid
    pytest.param(
        lambda: payment("100.00", lines=(("INV-1", "60.00"), ("INV-1", "40.01"))),
        OverAllocation,
        id="over-allocation",
    ),
    pytest.param(lambda: write_off("1000.01"), AmountExceedsOutstanding, id="write-off-too-much"),
    pytest.param(
        lambda: payment("2000", lines=(("INV-1", "1000.01"),)),
        AmountExceedsOutstanding,
        id="alloc-above-outstanding",
    ),
    # Dates
    pytest.param(lambda: invoice(due_date=date(2026, 1, 14)), InvalidDates, id="due-before-issue"),
]


@pytest.mark.parametrize(("build", "error"), MATRIX)
def test_bad_command_is_refused_with_its_named_error_and_writes_nothing(
    account: LedgerService, build: Callable[[], Command], error: type[Exception],
    record_figures: RecordFigures,
) -> None:
    version = account.account(ACCOUNT).version

    with rejected(account, error):
        account.execute(build(), MANAGER)

    record_figures({"bad commands refused": 1,
                    "events written by refused commands": account.account(ACCOUNT).version
                    - version})
    assert account.account(ACCOUNT).version == version


@pytest.mark.parametrize(
    ("amount", "currency", "stored"),
    [
        ("0.001", "KWD", "0.001"),
        ("10.000", "USD", "10.00"),
        ("10.010", "USD", "10.01"),
        ("7", "JPY", "7"),
        ("1E+2", "JPY", "100"),
        ("0.01", "USD", "0.01"),
    ],
)
def test_amounts_within_the_currency_minor_units_are_accepted(
    account: LedgerService, amount: str, currency: str, stored: str
) -> None:
    account.execute(invoice(amount, currency), MANAGER)

    recorded = list(account.history(ACCOUNT))[-1]
    assert (recorded["type"], recorded["payload"]["amount"]) == ("InvoiceIssued", stored)
