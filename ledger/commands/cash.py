"""Commands of cash application that an account decides: which bank account pays it, and
money paid back to the customer out of its unapplied credit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ledger.commands.base import (
    Amount,
    Command,
    Currency,
    Identifier,
    Reference,
    RequiredText,
    Text,
)

BankAccountNumber = Annotated[str, Field(min_length=4, max_length=64,
                                         pattern=r"^[A-Za-z0-9 ]+$")]
"""An IBAN (spaces allowed, as printed) or a domestic account number."""


class RecordPayerAccount(Command):
    """``bank_account`` pays this customer (``kind`` bank_account), or is the virtual
    account the bank opened for it (``virtual_account``): matching then knows the
    customer by it (docs/cash-application.md, *Matching*, rule 2)."""

    bank_account: BankAccountNumber
    kind: Literal["bank_account", "virtual_account"] = "bank_account"
    reason: Text = ""


class RefundCredit(Command):
    """Pay ``amount`` of the customer's unapplied credit in ``currency`` back to them: the
    bank transfer's reference is ``bank_reference``. Taken from the oldest payments' credit
    first; never more than the credit there is (docs/cash-application.md, *Refunds*)."""

    refund_id: Identifier
    amount: Amount
    currency: Currency
    bank_reference: Reference
    reason: RequiredText
