"""The account's standing: terms, limit, agent, and the flags that restrict collection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import AccountStandingConflict, InvalidCommand
from ledger.money import non_negative


class AccountTermsChanged(LedgerEvent):
    terms_days: int
    reason: str

    def apply(self, account: Any) -> None:
        account.terms_days = self.terms_days


class CreditLimitSet(LedgerEvent):
    amount: Decimal | None
    reason: str

    def apply(self, account: Any) -> None:
        account.credit_limit = self.amount


class AgentAssigned(LedgerEvent):
    agent_id: str | None

    def apply(self, account: Any) -> None:
        account.agent_id = self.agent_id


class CeaseCommunicationRequested(LedgerEvent):
    reason: str

    def apply(self, account: Any) -> None:
        account.cease_communication = True


class PlacedWithAgency(LedgerEvent):
    agency_id: str
    reason: str

    def apply(self, account: Any) -> None:
        account.agency_id = self.agency_id


class RecalledFromAgency(LedgerEvent):
    agency_id: str
    reason: str

    def apply(self, account: Any) -> None:
        account.agency_id = None


class ReferredToLegal(LedgerEvent):
    reason: str

    def apply(self, account: Any) -> None:
        account.legal_referral = True


class CreditHoldPlaced(LedgerEvent):
    """Placed by a person, or by dunning for ``invoice_id`` (empty when manual)."""

    reason: str
    invoice_id: str

    def apply(self, account: Any) -> None:
        account.credit_hold = True
        if self.invoice_id:
            account.invoices[self.invoice_id].dunning_levels.append("credit_hold")


class CreditHoldReleased(LedgerEvent):
    reason: str

    def apply(self, account: Any) -> None:
        account.credit_hold = False


def check_terms(terms_days: int) -> int:
    if not isinstance(terms_days, int) or not 0 <= terms_days <= 365:
        raise InvalidCommand(f"payment terms must be 0-365 days, not {terms_days!r}")
    return terms_days


class StandingCommands(AccountState):
    def change_terms(self, ctx: CommandContext, *, terms_days: int, reason: str) -> None:
        self._record(AccountTermsChanged, ctx, terms_days=check_terms(terms_days), reason=reason)

    def set_credit_limit(self, ctx: CommandContext, *, amount: Decimal | None, reason: str) -> None:
        value = None if amount is None else non_negative(amount, self.currency)
        if value is not None and value < 0:
            raise InvalidCommand("a credit limit cannot be negative")
        self._record(CreditLimitSet, ctx, amount=value, reason=reason)

    def assign_agent(self, ctx: CommandContext, *, agent_id: str | None) -> None:
        self._record(AgentAssigned, ctx, agent_id=agent_id or None)

    def cease_communication_requested(self, ctx: CommandContext, *, reason: str) -> None:
        if self.cease_communication:
            raise AccountStandingConflict("cease-communication is already in force")
        self._record(CeaseCommunicationRequested, ctx, reason=reason)

    def place_with_agency(self, ctx: CommandContext, *, agency_id: str, reason: str) -> None:
        if self.agency_id is not None:
            raise AccountStandingConflict(f"the account is already with agency {self.agency_id}")
        if not agency_id:
            raise InvalidCommand("an agency id is required")
        self._record(PlacedWithAgency, ctx, agency_id=agency_id, reason=reason)

    def recall_from_agency(self, ctx: CommandContext, *, reason: str) -> None:
        if self.agency_id is None:
            raise AccountStandingConflict("the account is not placed with an agency")
        self._record(RecalledFromAgency, ctx, agency_id=self.agency_id, reason=reason)

    def refer_to_legal(self, ctx: CommandContext, *, reason: str) -> None:
        if self.legal_referral:
            raise AccountStandingConflict("the account is already referred to legal")
        self._record(ReferredToLegal, ctx, reason=reason)

    def place_credit_hold(self, ctx: CommandContext, *, reason: str) -> None:
        if self.credit_hold:
            raise AccountStandingConflict("the account is already on credit hold")
        self._record(CreditHoldPlaced, ctx, reason=reason, invoice_id="")

    def release_credit_hold(self, ctx: CommandContext, *, reason: str) -> None:
        if not self.credit_hold:
            raise AccountStandingConflict("the account is not on credit hold")
        self._record(CreditHoldReleased, ctx, reason=reason)
