"""Commands about the account itself: opening, terms, limit, agent, standing."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ledger.aggregates import Account, account_id_for
from ledger.commands.base import (
    Amount,
    Command,
    ContactDetails,
    Currency,
    Identifier,
    Name,
    RequiredText,
    Text,
    Timezone,
)
from ledger.unit_of_work import Handler, UnitOfWork


class OpenAccount(Command):
    creates_account: ClassVar[bool] = True
    name: Name
    currency: Currency
    terms_days: int = Field(default=30, ge=0, le=365)
    credit_limit: Amount | None = None
    timezone: Timezone = "UTC"
    segment: Identifier = "standard"
    contact: ContactDetails | None = None


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


class PlaceCreditHold(Command):
    reason: Text


class ReleaseCreditHold(Command):
    reason: Text


class ErasePersonalData(Command):
    reason: RequiredText


def open_account(cmd: OpenAccount, uow: UnitOfWork) -> None:
    account = Account.open(
        uow.context(),
        number=cmd.account,
        name=cmd.name,
        currency=cmd.currency,
        terms_days=cmd.terms_days,
        credit_limit=cmd.credit_limit,
        timezone=cmd.timezone,
        segment=cmd.segment,
        contact=uow.personal_data.seal_all(
            account_id_for(cmd.account), "AccountOpened.contact", cmd.contact
        ),
    )
    uow.accounts.add(account)


def change_terms(cmd: ChangeTerms, uow: UnitOfWork) -> None:
    uow.account().change_terms(uow.context(), terms_days=cmd.terms_days, reason=cmd.reason)


def set_credit_limit(cmd: SetCreditLimit, uow: UnitOfWork) -> None:
    uow.account().set_credit_limit(uow.context(), amount=cmd.amount, reason=cmd.reason)


def assign_agent(cmd: AssignAgent, uow: UnitOfWork) -> None:
    uow.account().assign_agent(uow.context(), agent_id=cmd.agent_id)


def request_cease_communication(cmd: RequestCeaseCommunication, uow: UnitOfWork) -> None:
    uow.account().cease_communication_requested(uow.context(), reason=cmd.reason)


def place_with_agency(cmd: PlaceWithAgency, uow: UnitOfWork) -> None:
    uow.account().place_with_agency(uow.context(), agency_id=cmd.agency_id, reason=cmd.reason)


def recall_from_agency(cmd: RecallFromAgency, uow: UnitOfWork) -> None:
    uow.account().recall_from_agency(uow.context(), reason=cmd.reason)


def refer_to_legal(cmd: ReferToLegal, uow: UnitOfWork) -> None:
    uow.account().refer_to_legal(uow.context(), reason=cmd.reason)


def place_credit_hold(cmd: PlaceCreditHold, uow: UnitOfWork) -> None:
    uow.account().place_credit_hold(uow.context(), reason=cmd.reason)


def release_credit_hold(cmd: ReleaseCreditHold, uow: UnitOfWork) -> None:
    uow.account().release_credit_hold(uow.context(), reason=cmd.reason)


def erase_personal_data(cmd: ErasePersonalData, uow: UnitOfWork) -> None:
    account = uow.account()
    account.erase_personal_data(uow.context(), reason=cmd.reason)
    uow.personal_data.destroy(account.id)


HANDLERS: dict[type[Command], Handler] = {
    OpenAccount: open_account,
    ChangeTerms: change_terms,
    SetCreditLimit: set_credit_limit,
    AssignAgent: assign_agent,
    RequestCeaseCommunication: request_cease_communication,
    PlaceWithAgency: place_with_agency,
    RecallFromAgency: recall_from_agency,
    ReferToLegal: refer_to_legal,
    PlaceCreditHold: place_credit_hold,
    ReleaseCreditHold: release_credit_hold,
    ErasePersonalData: erase_personal_data,
}
