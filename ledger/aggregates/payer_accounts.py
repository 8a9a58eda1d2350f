"""The bank accounts a customer pays from, and its virtual accounts, as set by a person.

Matching learns payers' bank accounts from receipts it matched to one account; this is
the explicit form, for a customer's first payment or a virtual account the bank opened.
One account number may be set on several customers (a group paying from one treasury
account): matching then takes it as no evidence, never a guess.
"""

from __future__ import annotations

from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import DuplicateId
from ledger.cash.identity import compact
from ledger.commands.cash import RecordPayerAccount


class PayerAccountRecorded(LedgerEvent):
    bank_account: str
    kind: str
    reason: str

    def apply(self, account: Any) -> None:
        account.external_ids[f"{self.kind}:{compact(self.bank_account)}"] = self.kind


class PayerAccountCommands(AccountState):
    def record_payer_account(self, ctx: CommandContext, cmd: RecordPayerAccount) -> None:
        plain = compact(cmd.bank_account)
        if f"{cmd.kind}:{plain}" in self.external_ids:
            raise DuplicateId(f"{cmd.kind.replace('_', ' ')} {plain} is already on {self.number}")
        self._record(PayerAccountRecorded, ctx, cmd, bank_account=plain)
