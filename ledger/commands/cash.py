"""Commands of cash application that an account decides: which bank account pays it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ledger.commands.base import Command, Text

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
