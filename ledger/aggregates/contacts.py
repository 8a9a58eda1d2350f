"""Contact attempts, checked against the contact policy before they are recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.business_dates import check_in_calendar, check_moment_not_ahead
from ledger.aggregates.contact_policy import (
    CHANNELS,
    OUTCOMES,
    PURPOSES,
    Attempt,
    Standing,
    check_contact,
    local_date,
)
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import DuplicateId, InvalidCommand
from ledger.aggregates.state import ContactRecord, made_from
from ledger.commands.collections import RecordContact


class ContactAttempted(LedgerEvent):
    contact_id: str
    channel: str
    outcome: str
    at: datetime
    purpose: str
    agent_id: str
    note: str
    rules_evaluated: tuple[str, ...]

    def apply(self, account: Any) -> None:
        account.contacts.append(made_from(ContactRecord, self))


class ContactCommands(AccountState):
    def standing(self) -> Standing:
        owed = sum((i.outstanding for i in self.invoices.values()), Decimal(0))
        undisputed = sum((i.undisputed for i in self.invoices.values()), Decimal(0))
        return Standing(
            timezone=self.timezone,
            cease_communication=self.cease_communication,
            agency_id=self.agency_id,
            legal_referral=self.legal_referral,
            only_disputed_is_owed=owed > 0 and undisputed == 0,
        )

    def record_contact(self, ctx: CommandContext, cmd: RecordContact) -> None:
        if any(c.contact_id == cmd.contact_id for c in self.contacts):
            raise DuplicateId(f"contact {cmd.contact_id!r} already recorded")
        for name, allowed in (("channel", CHANNELS), ("outcome", OUTCOMES), ("purpose", PURPOSES)):
            if getattr(cmd, name) not in allowed:
                raise InvalidCommand(f"{name} must be one of {allowed}, not {getattr(cmd, name)!r}")
        if cmd.at.tzinfo is None:
            raise InvalidCommand("a contact time must carry its UTC offset")
        moment = cmd.at.astimezone(UTC)
        check_moment_not_ahead(moment, ctx.recorded_at, what="a contact at")
        check_in_calendar(local_date(moment, self.timezone), "the contact's local day")
        policy = ctx.policies.contact.for_portfolio(self.segment)
        rules = check_contact(
            self.standing(), self.contacts, Attempt(cmd.channel, cmd.purpose, moment), policy
        )
        self._record(ContactAttempted, ctx, cmd, effective_on=local_date(moment, self.timezone),
                     at=moment, agent_id=ctx.actor_id, rules_evaluated=rules)
