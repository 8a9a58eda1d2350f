"""Who may do what: roles per command, and agents confined to their own accounts.

Manager is the collections superuser; agents work their assigned accounts; the
service role feeds invoices and payments from other systems and reads accounts to
find them; cashiers apply the bank's cash (statement imports, matching receipts across
accounts, returns, the payer accounts that identify customers) and read accounts to
match; compliance handles cease-communication and erasure; auditors read everything
and write no account (checkpoints and trail exports are audit records); admins manage
keys and operate the read side, nothing else. The README's tables say the same, and
tests/unit/test_role_table.py holds the code to them.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException

from api.keys import Caller
from ledger.commands import accounts as a
from ledger.commands import cash
from ledger.commands import collections as c
from ledger.commands import notices as n
from ledger.commands import receivables as r
from ledger.commands import statements as s
from ledger.commands import tasks as t
from ledger.commands.base import Command

AGENT, MANAGER, AUDITOR, COMPLIANCE, SERVICE, ADMIN, CASHIER = (
    "agent", "manager", "auditor", "compliance", "service", "admin", "cashier"
)

MAY_WRITE: dict[type[Command], frozenset[str]] = {
    a.OpenAccount: frozenset({SERVICE, MANAGER}),
    a.ChangeTerms: frozenset({MANAGER}),
    a.SetCreditLimit: frozenset({MANAGER}),
    a.AssignAgent: frozenset({MANAGER}),
    a.RequestCeaseCommunication: frozenset({AGENT, MANAGER, COMPLIANCE}),
    a.PlaceWithAgency: frozenset({MANAGER}),
    a.RecallFromAgency: frozenset({MANAGER}),
    a.ReferToLegal: frozenset({MANAGER}),
    a.WithdrawLegalReferral: frozenset({MANAGER}),
    a.PlaceCreditHold: frozenset({MANAGER}),
    a.ReleaseCreditHold: frozenset({MANAGER}),
    a.ErasePersonalData: frozenset({COMPLIANCE}),
    r.IssueInvoice: frozenset({SERVICE, MANAGER}),
    r.AdjustInvoice: frozenset({SERVICE, MANAGER}),
    r.RecordPayment: frozenset({SERVICE, MANAGER}),
    r.AllocatePayment: frozenset({SERVICE, MANAGER}),
    r.ReversePayment: frozenset({SERVICE, MANAGER}),
    c.OpenDispute: frozenset({AGENT, MANAGER}),
    c.ResolveDispute: frozenset({MANAGER}),
    c.ChangeDisputeReason: frozenset({AGENT, MANAGER}),
    c.AssignDisputeOwner: frozenset({MANAGER}),
    c.MakePromise: frozenset({AGENT, MANAGER}),
    c.AgreePaymentPlan: frozenset({AGENT, MANAGER}),
    c.AgreeSettlement: frozenset({MANAGER}),
    c.DecideSettlement: frozenset({MANAGER}),
    c.WriteOff: frozenset({MANAGER}),
    c.RequestWriteOff: frozenset({AGENT, MANAGER}),
    c.DecideWriteOff: frozenset({MANAGER}),
    c.RecordRecovery: frozenset({SERVICE, MANAGER}),
    c.RecordContact: frozenset({AGENT, MANAGER}),
    t.CreateTask: frozenset({AGENT, MANAGER}),
    t.ReassignTask: frozenset({AGENT, MANAGER}),
    t.CompleteTask: frozenset({AGENT, MANAGER}),
    t.CancelTask: frozenset({AGENT, MANAGER}),
    s.SendStatement: frozenset({AGENT, MANAGER}),
    n.RecordNoticeDelivery: frozenset({SERVICE, MANAGER}),  # an external mailer's report
    cash.RecordPayerAccount: frozenset({CASHIER, MANAGER}),
    cash.RefundCredit: frozenset({CASHIER, MANAGER}),
}

READERS_OF_ACCOUNTS = frozenset({AGENT, MANAGER, AUDITOR, COMPLIANCE, SERVICE, CASHIER})
APPLIERS_OF_CASH = frozenset({CASHIER, MANAGER})
"""Who matches a receipt to accounts, returns one, and imports statements (with the
service role, for a bank feed)."""
READERS_OF_RECEIPTS = frozenset({CASHIER, MANAGER, AUDITOR})
READERS_OF_PORTFOLIO = frozenset({MANAGER, AUDITOR, COMPLIANCE})
READERS_OF_HISTORY = frozenset({AGENT, MANAGER, AUDITOR, COMPLIANCE})


def forbid(caller: Caller, what: str) -> HTTPException:
    return HTTPException(403, f"{caller.actor_id} ({caller.role}) may not {what}")


def check_write(caller: Caller, command: Command, assigned_agent: Callable[[], str | None]) -> None:
    allowed = MAY_WRITE.get(type(command), frozenset())
    if caller.role not in allowed:
        raise forbid(caller, type(command).__name__)
    if caller.role == AGENT:
        check_own_account(caller, command.account, assigned_agent)


def check_read(
    caller: Caller, readers: frozenset[str], account: str | None = None,
    assigned_agent: Callable[[], str | None] | None = None,
) -> None:
    if caller.role not in readers:
        raise forbid(caller, "read this")
    if caller.role == AGENT and account is not None and assigned_agent is not None:
        check_own_account(caller, account, assigned_agent)


def check_own_account(
    caller: Caller, account: str, assigned_agent: Callable[[], str | None]
) -> None:
    if assigned_agent() != caller.actor_id:
        raise forbid(caller, f"act on account {account}, which is not assigned to them")
