"""The account aggregate: one debtor, one stream of immutable events.

Commands are plain methods named as imperatives; they check the rules (raising
named domain errors) and then record past-tense events whose ``apply`` is the
whole state change. Guards live in the commands, never in ``apply``, so that
history replays the same even after a policy or threshold has changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import Aggregate

from ledger.aggregates.approval_expiry import ApprovalExpiryCommands
from ledger.aggregates.business_dates import check_day_begun
from ledger.aggregates.contact_policy import local_date
from ledger.aggregates.contacts import ContactCommands
from ledger.aggregates.disputes import DisputeCommands
from ledger.aggregates.dunning import DunningCommands
from ledger.aggregates.envelope import CommandContext, LedgerEvent, payload_of
from ledger.aggregates.errors import AccountStandingConflict, InvalidCommand
from ledger.aggregates.invoices import InvoiceCommands
from ledger.aggregates.notices import NoticeCommands
from ledger.aggregates.payer_accounts import PayerAccountCommands
from ledger.aggregates.payments import PaymentCommands
from ledger.aggregates.plans import PlanCommands
from ledger.aggregates.promises import PromiseCommands
from ledger.aggregates.refunds import RefundCommands
from ledger.aggregates.settlements import SettlementCommands
from ledger.aggregates.standing import StandingCommands, check_terms
from ledger.aggregates.state import ExactDecimal
from ledger.aggregates.statement_notices import StatementCommands
from ledger.aggregates.tasks import TaskCommands
from ledger.aggregates.writeoffs import WriteOffCommands
from ledger.canonical import GENESIS_HASH
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.collections import ProcessDay
from ledger.money import check_currency, non_negative

ACCOUNT_NAMESPACE = UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11")


def account_id_for(number: str) -> UUID:
    """Account ids derive from the customer's account number, so callers can address either."""
    return uuid5(ACCOUNT_NAMESPACE, number)


class AccountOpened(LedgerEvent, Aggregate.Created):
    number: str
    name: str
    currency: str
    terms_days: int
    credit_limit: ExactDecimal | None
    timezone: str
    segment: str
    contact: dict[str, str] | None

    def apply(self, account: Any) -> None:
        account.init_state()
        account.number = self.number
        account.name = self.name
        account.currency = self.currency
        account.terms_days = self.terms_days
        account.credit_limit = self.credit_limit
        account.timezone = self.timezone
        account.segment = self.segment
        account.contact = self.contact


class PersonalDataErased(LedgerEvent):
    reason: str

    def apply(self, account: Any) -> None:
        account.contact = None
        account.personal_data_erased = True


class Account(
    InvoiceCommands,
    PaymentCommands,
    PayerAccountCommands,
    RefundCommands,
    DisputeCommands,
    PromiseCommands,
    PlanCommands,
    SettlementCommands,
    WriteOffCommands,
    ContactCommands,
    StandingCommands,
    DunningCommands,
    ApprovalExpiryCommands,
    NoticeCommands,
    StatementCommands,
    TaskCommands,
    Aggregate,
):
    def __init__(self) -> None:
        """State is set by `AccountOpened.apply`, the one way an account comes to exist."""

    @classmethod
    def open(cls, ctx: CommandContext, cmd: OpenAccount) -> Account:
        number = cmd.account
        if not number or not number.strip() or len(number) > 64:
            raise InvalidCommand("an account number of 1-64 characters is required")
        check_currency(cmd.currency)
        try:
            ZoneInfo(cmd.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidCommand(f"{cmd.timezone!r} is not an IANA timezone") from None
        limit = None if cmd.credit_limit is None else non_negative(cmd.credit_limit, cmd.currency)
        return cls._create(
            AccountOpened,
            id=account_id_for(number),
            timestamp=ctx.recorded_at,
            **ctx.envelope(),
            prev_hash=GENESIS_HASH,
            **payload_of(AccountOpened, cmd, dict(
                number=number, terms_days=check_terms(cmd.terms_days), credit_limit=limit
            )),
        )

    def review_arrangements(self, ctx: CommandContext, day: date) -> None:
        """Let promises, plans and settlements react to cash received or time passing."""
        self.review_promise(ctx, day)
        self.review_plan(ctx, day)
        self.review_settlement(ctx, day)

    def process_day(self, ctx: CommandContext, cmd: ProcessDay) -> None:
        """The daily tick: idempotent, because every step it takes is recorded once."""
        check_day_begun(cmd.day, local_date(ctx.recorded_at, self.timezone))
        self.expire_requests(ctx, cmd.day)
        seen = self.arrangements_seen()
        self.review_arrangements(ctx, cmd.day)
        self.raise_rule_tasks(ctx, cmd.day, seen)
        self.run_dunning(ctx, cmd.day)

    def erase_personal_data(self, ctx: CommandContext, cmd: ErasePersonalData) -> None:
        if self.personal_data_erased:
            raise AccountStandingConflict("personal data of this account is already erased")
        self._record(PersonalDataErased, ctx, cmd)
