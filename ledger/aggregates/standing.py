"""The account's standing: terms, limit, agent, and the flags that restrict collection."""

from __future__ import annotations

from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import AccountStandingConflict, InvalidCommand
from ledger.aggregates.state import ExactDecimal
from ledger.commands import accounts
from ledger.money import non_negative


class AccountTermsChanged(LedgerEvent):
    terms_days: int
    reason: str

    def apply(self, account: Any) -> None:
        account.terms_days = self.terms_days


class CreditLimitSet(LedgerEvent):
    amount: ExactDecimal | None
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


class LegalReferralWithdrawn(LedgerEvent):
    reason: str

    def apply(self, account: Any) -> None:
        account.legal_referral = False


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
    def change_terms(self, ctx: CommandContext, cmd: accounts.ChangeTerms) -> None:
        self._record(AccountTermsChanged, ctx, cmd, terms_days=check_terms(cmd.terms_days))

    def set_credit_limit(self, ctx: CommandContext, cmd: accounts.SetCreditLimit) -> None:
        value = None if cmd.amount is None else non_negative(cmd.amount, self.currency)
        if value is not None and value < 0:
            raise InvalidCommand("a credit limit cannot be negative")
        self._record(CreditLimitSet, ctx, cmd, amount=value)

    def assign_agent(self, ctx: CommandContext, cmd: accounts.AssignAgent) -> None:
        self._record(AgentAssigned, ctx, agent_id=cmd.agent_id or None)

    def request_cease_communication(
        self, ctx: CommandContext, cmd: accounts.RequestCeaseCommunication
    ) -> None:
        if self.cease_communication:
            raise AccountStandingConflict("cease-communication is already in force")
        self._record(CeaseCommunicationRequested, ctx, cmd)

    def place_with_agency(self, ctx: CommandContext, cmd: accounts.PlaceWithAgency) -> None:
        if self.agency_id is not None:
            raise AccountStandingConflict(f"the account is already with agency {self.agency_id}")
        if not cmd.agency_id:
            raise InvalidCommand("an agency id is required")
        self._record(PlacedWithAgency, ctx, cmd)

    def recall_from_agency(self, ctx: CommandContext, cmd: accounts.RecallFromAgency) -> None:
        if self.agency_id is None:
            raise AccountStandingConflict("the account is not placed with an agency")
        self._record(RecalledFromAgency, ctx, cmd, agency_id=self.agency_id)

    def refer_to_legal(self, ctx: CommandContext, cmd: accounts.ReferToLegal) -> None:
        if self.legal_referral:
            raise AccountStandingConflict("the account is already referred to legal")
        self._record(ReferredToLegal, ctx, cmd)

    def withdraw_legal_referral(
        self, ctx: CommandContext, cmd: accounts.WithdrawLegalReferral
    ) -> None:
        if not self.legal_referral:
            raise AccountStandingConflict("the account is not referred to legal")
        self._record(LegalReferralWithdrawn, ctx, cmd)

    def place_credit_hold(self, ctx: CommandContext, cmd: accounts.PlaceCreditHold) -> None:
        if self.credit_hold:
            raise AccountStandingConflict("the account is already on credit hold")
        self._record(CreditHoldPlaced, ctx, cmd, invoice_id="")

    def release_credit_hold(self, ctx: CommandContext, cmd: accounts.ReleaseCreditHold) -> None:
        if not self.credit_hold:
            raise AccountStandingConflict("the account is not on credit hold")
        self._record(CreditHoldReleased, ctx, cmd)
