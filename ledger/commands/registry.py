"""Every command type and its handler.

A handler loads the account, seals the command's personal data and lets the
account decide (`decide`); the account's decision takes the command itself, so
a command's fields are listed once, in its model. Only opening an account
(nothing to load) and erasure (a key to destroy) do more.
"""

from __future__ import annotations

from ledger.aggregates import Account, account_id_for
from ledger.commands.accounts import (
    AssignAgent,
    ChangeTerms,
    ErasePersonalData,
    OpenAccount,
    PlaceCreditHold,
    PlaceWithAgency,
    RecallFromAgency,
    ReferToLegal,
    ReleaseCreditHold,
    RequestCeaseCommunication,
    SetCreditLimit,
)
from ledger.commands.base import Command
from ledger.commands.collections import (
    AgreePaymentPlan,
    AgreeSettlement,
    DecideSettlement,
    DecideWriteOff,
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordContact,
    RecordRecovery,
    RequestWriteOff,
    ResolveDispute,
    WriteOff,
)
from ledger.commands.receivables import (
    AdjustInvoice,
    AllocatePayment,
    IssueInvoice,
    RecordPayment,
    ReversePayment,
)
from ledger.unit_of_work import Handler, UnitOfWork, decide


def open_account(cmd: OpenAccount, uow: UnitOfWork) -> None:
    ctx = uow.context()
    uow.accounts.add(Account.open(ctx, uow.sealed(cmd, account_id_for(cmd.account), False)))


def erase_personal_data(cmd: ErasePersonalData, uow: UnitOfWork) -> None:
    account = uow.account()
    account.erase_personal_data(uow.context(), cmd)
    uow.personal_data.destroy(account.id)


HANDLERS: dict[type[Command], Handler] = {
    OpenAccount: open_account,
    ChangeTerms: decide(Account.change_terms),
    SetCreditLimit: decide(Account.set_credit_limit),
    AssignAgent: decide(Account.assign_agent),
    RequestCeaseCommunication: decide(Account.request_cease_communication),
    PlaceWithAgency: decide(Account.place_with_agency),
    RecallFromAgency: decide(Account.recall_from_agency),
    ReferToLegal: decide(Account.refer_to_legal),
    PlaceCreditHold: decide(Account.place_credit_hold),
    ReleaseCreditHold: decide(Account.release_credit_hold),
    ErasePersonalData: erase_personal_data,
    IssueInvoice: decide(Account.issue_invoice),
    AdjustInvoice: decide(Account.adjust_invoice),
    RecordPayment: decide(Account.record_payment),
    AllocatePayment: decide(Account.allocate_payment),
    ReversePayment: decide(Account.reverse_payment),
    OpenDispute: decide(Account.open_dispute),
    ResolveDispute: decide(Account.resolve_dispute),
    MakePromise: decide(Account.make_promise),
    AgreePaymentPlan: decide(Account.agree_payment_plan),
    AgreeSettlement: decide(Account.agree_settlement),
    DecideSettlement: decide(Account.decide_settlement),
    WriteOff: decide(Account.write_off),
    RequestWriteOff: decide(Account.request_write_off),
    DecideWriteOff: decide(Account.decide_write_off),
    RecordRecovery: decide(Account.record_recovery),
    RecordContact: decide(Account.record_contact),
    ProcessDay: decide(Account.process_day),
}

COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in HANDLERS}
