"""Commands about the account itself: opening, terms, limit, agent, standing."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from ledger.commands.base import (
    Amount,
    Command,
    ContactDetails,
    Currency,
    Identifier,
    Name,
    Personal,
    RequiredText,
    Text,
    Timezone,
)


class OpenAccount(Command):
    creates_account: ClassVar[bool] = True
    name: Name
    currency: Currency
    terms_days: int = Field(default=30, ge=0, le=365)
    credit_limit: Amount | None = None
    timezone: Timezone = "UTC"
    segment: Identifier = "standard"
    contact: Annotated[ContactDetails | None, Personal("AccountOpened.contact")] = None


class ChangeTerms(Command):
    terms_days: int = Field(ge=0, le=365)
    reason: Text = ""


class SetCreditLimit(Command):
    amount: Amount | None
    reason: Text = ""


class AssignAgent(Command):
    agent_id: Identifier | None


class RequestCeaseCommunication(Command):
    reason: Text


class PlaceWithAgency(Command):
    agency_id: Identifier
    reason: Text = ""


class RecallFromAgency(Command):
    reason: Text = ""


class ReferToLegal(Command):
    reason: Text


class WithdrawLegalReferral(Command):
    reason: RequiredText


class PlaceCreditHold(Command):
    reason: Text


class ReleaseCreditHold(Command):
    reason: Text


class ErasePersonalData(Command):
    reason: RequiredText
