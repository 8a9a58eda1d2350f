"""Every command type and its handler.

A handler loads the account, seals the command's personal data and lets the
account decide (`decide`); the account's decision takes the command itself, so
a command's fields are listed once, in its model. Only opening an account
(nothing to load) and erasure (a key to destroy) do more.
"""

from __future__ import annotations

from ledger.aggregates import Account, account_id_for
from ledger.commands import accounts, cash, collections, notices, receivables, statements, tasks
from ledger.commands.base import Command
from ledger.unit_of_work import Handler, UnitOfWork, decide


def open_account(cmd: accounts.OpenAccount, uow: UnitOfWork) -> None:
    sealed = uow.sealed(cmd, account_id_for(cmd.account), erased=False)
    uow.accounts.add(Account.open(uow.context(), sealed))


def erase_personal_data(cmd: accounts.ErasePersonalData, uow: UnitOfWork) -> None:
    account = uow.account()
    account.erase_personal_data(uow.context(), cmd)
    uow.personal_data.destroy(account.id)


HANDLERS: dict[type[Command], Handler] = {
    accounts.OpenAccount: open_account,
    accounts.ChangeTerms: decide(Account.change_terms),
    accounts.SetCreditLimit: decide(Account.set_credit_limit),
    accounts.AssignAgent: decide(Account.assign_agent),
    accounts.RequestCeaseCommunication: decide(Account.request_cease_communication),
    accounts.PlaceWithAgency: decide(Account.place_with_agency),
    accounts.RecallFromAgency: decide(Account.recall_from_agency),
    accounts.ReferToLegal: decide(Account.refer_to_legal),
    accounts.WithdrawLegalReferral: decide(Account.withdraw_legal_referral),
    accounts.PlaceCreditHold: decide(Account.place_credit_hold),
    accounts.ReleaseCreditHold: decide(Account.release_credit_hold),
    accounts.ErasePersonalData: erase_personal_data,
    receivables.IssueInvoice: decide(Account.issue_invoice),
    receivables.AdjustInvoice: decide(Account.adjust_invoice),
    receivables.RecordPayment: decide(Account.record_payment),
    receivables.AllocatePayment: decide(Account.allocate_payment),
    receivables.ReversePayment: decide(Account.reverse_payment),
    collections.OpenDispute: decide(Account.open_dispute),
    collections.ResolveDispute: decide(Account.resolve_dispute),
    collections.ChangeDisputeReason: decide(Account.change_dispute_reason),
    collections.AssignDisputeOwner: decide(Account.assign_dispute_owner),
    collections.MakePromise: decide(Account.make_promise),
    collections.AgreePaymentPlan: decide(Account.agree_payment_plan),
    collections.AgreeSettlement: decide(Account.agree_settlement),
    collections.DecideSettlement: decide(Account.decide_settlement),
    collections.WriteOff: decide(Account.write_off),
    collections.RequestWriteOff: decide(Account.request_write_off),
    collections.DecideWriteOff: decide(Account.decide_write_off),
    collections.RecordRecovery: decide(Account.record_recovery),
    collections.RecordContact: decide(Account.record_contact),
    collections.ProcessDay: decide(Account.process_day),
    tasks.CreateTask: decide(Account.create_task),
    tasks.ReassignTask: decide(Account.reassign_task),
    tasks.CompleteTask: decide(Account.complete_task),
    tasks.CancelTask: decide(Account.cancel_task),
    notices.RecordNoticeDelivery: decide(Account.record_notice_delivery),
    cash.RecordPayerAccount: decide(Account.record_payer_account),
    cash.RefundCredit: decide(Account.refund_credit),
    statements.SendStatement: decide(Account.send_statement),
}

COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in HANDLERS}
