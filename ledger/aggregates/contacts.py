"""Contact attempts, checked against the contact policy before they are recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.business_dates import check_moment_not_ahead
from ledger.aggregates.contact_policy import (
    CHANNELS,
    OUTCOMES,
    PURPOSES,
    Attempt,
    ContactPolicy,
    Standing,
    check_contact,
    local_date,
)
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import DuplicateId, InvalidCommand
from ledger.aggregates.state import ContactRecord


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
        account.contacts.append(
            ContactRecord(
                contact_id=self.contact_id,
                channel=self.channel,
                outcome=self.outcome,
                at=self.at,
                purpose=self.purpose,
                agent_id=self.agent_id,
            )
        )


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

    def record_contact(
        self,
        ctx: CommandContext,
        *,
        contact_id: str,
        channel: str,
        outcome: str,
        at: datetime,
        policy: ContactPolicy,
        purpose: str = "collection",
        note: str = "",
    ) -> None:
        if any(c.contact_id == contact_id for c in self.contacts):
            raise DuplicateId(f"contact {contact_id!r} already recorded")
        for name, value, allowed in (
            ("channel", channel, CHANNELS),
            ("outcome", outcome, OUTCOMES),
            ("purpose", purpose, PURPOSES),
        ):
            if value not in allowed:
                raise InvalidCommand(f"{name} must be one of {allowed}, not {value!r}")
        if at.tzinfo is None:
            raise InvalidCommand("a contact time must carry its UTC offset")
        moment = at.astimezone(UTC)
        check_moment_not_ahead(moment, ctx.recorded_at, what="a contact at")
        rules = check_contact(
            self.standing(), self.contacts, Attempt(channel, purpose, moment), policy
        )
        self._record(
            ContactAttempted,
            ctx,
            effective_on=local_date(moment, self.timezone),
            contact_id=contact_id,
            channel=channel,
            outcome=outcome,
            at=moment,
            purpose=purpose,
            agent_id=ctx.actor_id,
            note=note,
            rules_evaluated=rules,
        )
