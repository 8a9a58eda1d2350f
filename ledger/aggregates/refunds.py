"""Refunds: unapplied credit paid back to the customer.

Cash application leaves credit behind (an overpayment, a payment whose invoice was
credited meanwhile); a customer asks for it back. The refund names the bank transfer that
paid it (``bank_reference``) and takes the credit of the oldest payments first, each
payment's share recorded, so that every payment's unapplied credit stays what its
movements say (`state.Payment.refunded`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import DuplicateId, RefundExceedsCredit
from ledger.aggregates.state import ExactDecimal, Movement, Payment
from ledger.commands.cash import RefundCredit
from ledger.money import positive


class CreditRefunded(LedgerEvent):
    """``taken``: each payment's share, ``payment_id`` and ``amount`` (a decimal string)."""

    refund_id: str
    currency: str
    amount: ExactDecimal
    bank_reference: str
    reason: str
    taken: tuple[dict[str, str], ...]

    def apply(self, account: Any) -> None:
        for share in self.taken:
            payment: Payment = account.payments[share["payment_id"]]
            payment.movements.append(Movement(self.effective_on, self.timestamp, "refund",
                                              -Decimal(share["amount"]), self.refund_id))
        account.external_ids[f"refund:{self.refund_id}"] = self.bank_reference


class RefundCommands(AccountState):
    def refund_credit(self, ctx: CommandContext, cmd: RefundCredit) -> None:
        if f"refund:{cmd.refund_id}" in self.external_ids:
            raise DuplicateId(f"refund {cmd.refund_id!r} already recorded on {self.number}")
        value = positive(cmd.amount, cmd.currency)
        credit = self.unapplied_credit(cmd.currency)
        if value > credit:
            raise RefundExceedsCredit(
                f"a refund of {value} {cmd.currency} is more than the unapplied credit "
                f"{credit} {cmd.currency} on {self.number}")
        taken, left = [], value
        for payment in sorted(self.payments.values(),
                              key=lambda p: (p.received_on, p.payment_id)):
            if left <= 0:
                break
            if payment.currency != cmd.currency or payment.unapplied <= 0:
                continue
            share = min(payment.unapplied, left)
            taken.append({"payment_id": payment.payment_id, "amount": str(share)})
            left -= share
        self._record(CreditRefunded, ctx, cmd, amount=value, taken=tuple(taken))
