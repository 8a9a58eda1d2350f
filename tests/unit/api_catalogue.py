"""Every write endpoint of the API, with a body that succeeds on a fresh debtor, and how
to call every other endpoint that needs a key.

Each write says which command the endpoint carries out, who may successfully call
it in the story, what the account must have been through first (``given``, run by
manager-2 on a debtor from ``api_world``), and which events the write records.
The other endpoints (``CALLS``) are keyed by method and route as the README's
table of who may call what names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.commands import accounts as a
from ledger.commands import cash
from ledger.commands import collections as c
from ledger.commands import receivables as r
from ledger.commands import statements as s
from ledger.commands import tasks as t
from ledger.commands.base import Command
from ledger.commands.receivables import AllocationLine

ANY = "ACC-X"  # the debtor's number replaces it


@dataclass(frozen=True)
class Write:
    command: type[Command]
    path: str
    body: dict[str, Any]
    caller: str
    events: tuple[str, ...]
    given: tuple[Command, ...] = field(default=())
    contact: dict[str, str] | None = None
    """The debtor's contact details, for a write that needs an address (none by default)."""

    @property
    def name(self) -> str:
        return self.command.__name__

    @property
    def opens_account(self) -> bool:
        return self.command is a.OpenAccount

    def url(self, number: str) -> str:
        return self.path.format(account=number)

    def body_for(self, number: str, **changes: Any) -> dict[str, Any]:
        body = {k: number if v == "{account}" else v for k, v in self.body.items()}
        return {**body, **changes}


def on_account(path: str) -> str:
    return "/accounts/{account}" + path


TASK = t.CreateTask(account=ANY, task_id="TSK-1", kind="callback", due_date=date(2026, 2, 20))

WRITES: tuple[Write, ...] = (
    Write(a.OpenAccount, "/accounts", {
        "account": "{account}", "name": "Northwind Traders Ltd", "currency": "USD",
        "terms_days": 30, "credit_limit": "25000.00", "timezone": "America/Chicago",
        "contact": {"name": "Dana Whitfield", "email": "ap@northwind.example"},
    }, "service", ("AccountOpened",)),
    Write(a.ChangeTerms, on_account("/terms"), {
        "terms_days": 45, "reason": "annual review",
    }, "manager", ("AccountTermsChanged",)),
    Write(a.SetCreditLimit, on_account("/credit-limit"), {
        "amount": "50000.00", "reason": "credit committee",
    }, "manager", ("CreditLimitSet",)),
    Write(a.AssignAgent, on_account("/agent-assignment"), {"agent_id": "agent-2"},
          "manager", ("AgentAssigned",)),
    Write(r.IssueInvoice, on_account("/invoices"), {
        "invoice_id": "INV-3", "amount": "1250.00", "currency": "USD",
        "issue_date": "2026-02-10", "reference": "PO-7781",
    }, "service", ("InvoiceIssued",)),
    Write(r.AdjustInvoice, on_account("/invoice-adjustments"), {
        "invoice_id": "INV-1", "note_id": "CN-1", "kind": "credit", "amount": "50.00",
        "reason": "damaged goods",
    }, "service", ("InvoiceAdjusted",)),
    Write(r.RecordPayment, on_account("/payments"), {
        "payment_id": "PAY-1", "amount": "800.00", "currency": "USD",
        "received_on": "2026-02-09", "reference": "BANK-5521",
        "allocations": [{"invoice_id": "INV-1", "amount": "800.00"}],
    }, "service", ("PaymentReceived", "PaymentAllocated")),
    Write(r.AllocatePayment, on_account("/payment-allocations"), {
        "payment_id": "PAY-1", "allocations": [{"invoice_id": "INV-2", "amount": "200.00"}],
    }, "service", ("PaymentAllocated",), given=(r.RecordPayment(
        account=ANY, payment_id="PAY-1", amount=Decimal("300.00"), currency="USD",
        received_on=date(2026, 2, 9),
        allocations=(AllocationLine(invoice_id="INV-1", amount=Decimal("100.00")),),
    ),)),
    Write(r.ReversePayment, on_account("/payment-reversals"), {
        "payment_id": "PAY-1", "reason": "bounced: insufficient funds",
    }, "service", ("PaymentReversed",), given=(r.RecordPayment(
        account=ANY, payment_id="PAY-1", amount=Decimal("500.00"), currency="USD",
        received_on=date(2026, 2, 9),
    ),)),
    Write(c.OpenDispute, on_account("/disputes"), {
        "dispute_id": "DSP-1", "invoice_id": "INV-1", "amount": "200.00",
        "reason": "two pallets damaged",
    }, "agent", ("DisputeOpened",)),
    Write(c.ResolveDispute, on_account("/dispute-resolutions"), {
        "dispute_id": "DSP-1", "outcome": "upheld", "credit_amount": "150.00",
        "reason": "carrier confirmed",
    }, "manager", ("DisputeResolved", "InvoiceAdjusted"), given=(c.OpenDispute(
        account=ANY, dispute_id="DSP-1", invoice_id="INV-1", amount=Decimal("200.00"),
        reason="damaged",
    ),)),
    Write(c.ChangeDisputeReason, on_account("/dispute-reasons"), {
        "dispute_id": "DSP-1", "reason_code": "delivery", "reason": "carrier damage",
    }, "agent", ("DisputeReasonChanged",), given=(c.OpenDispute(
        account=ANY, dispute_id="DSP-1", invoice_id="INV-1", amount=Decimal("200.00"),
        reason="damaged", reason_code="quality",
    ),)),
    Write(c.AssignDisputeOwner, on_account("/dispute-owners"), {
        "dispute_id": "DSP-1", "owner": "team-claims", "reason": "carrier claim",
    }, "manager", ("DisputeOwnerAssigned",), given=(c.OpenDispute(
        account=ANY, dispute_id="DSP-1", invoice_id="INV-1", amount=Decimal("200.00"),
        reason="damaged",
    ),)),
    Write(c.MakePromise, on_account("/promises"), {
        "promise_id": "PTP-1", "amount": "500.00", "currency": "USD", "due_date": "2026-02-20",
    }, "agent", ("PromiseToPayMade",)),
    Write(c.AgreePaymentPlan, on_account("/payment-plans"), {
        "plan_id": "PLN-1", "currency": "USD", "instalments": [
            {"due_date": "2026-02-28", "amount": "500.00"},
            {"due_date": "2026-03-31", "amount": "500.00"},
        ],
    }, "agent", ("PaymentPlanAgreed",)),
    Write(c.AgreeSettlement, on_account("/settlements"), {
        "settlement_id": "STL-1", "amount": "3000.00", "currency": "USD", "due_by": "2026-03-15",
    }, "manager", ("SettlementAgreed",)),
    Write(c.DecideSettlement, on_account("/settlement-decisions"), {
        "settlement_id": "STL-1", "approve": True, "reason": "better than agency rates",
    }, "manager", ("SettlementAgreed",), given=(c.AgreeSettlement(
        account=ANY, settlement_id="STL-1", amount=Decimal("2000.00"), currency="USD",
        due_by=date(2026, 3, 15),
    ),)),
    Write(c.WriteOff, on_account("/write-offs"), {
        "invoice_id": "INV-1", "amount": "400.00", "reason": "short payment",
    }, "manager", ("InvoiceWrittenOff",)),
    Write(c.RequestWriteOff, on_account("/write-off-requests"), {
        "request_id": "WOR-1", "invoice_id": "INV-2", "amount": "2500.00",
        "reason": "insolvency",
    }, "agent", ("WriteOffRequested",)),
    Write(c.DecideWriteOff, on_account("/write-off-decisions"), {
        "request_id": "WOR-1", "approve": True, "reason": "liquidator confirms no dividend",
    }, "manager", ("WriteOffApproved", "InvoiceWrittenOff"), given=(c.RequestWriteOff(
        account=ANY, request_id="WOR-1", invoice_id="INV-2", amount=Decimal("2500.00"),
        reason="insolvency",
    ),)),
    Write(c.RecordRecovery, on_account("/recoveries"), {
        "recovery_id": "REC-1", "invoice_id": "INV-1", "amount": "120.00",
        "received_on": "2026-02-09",
    }, "service", ("WrittenOffAmountRecovered",), given=(c.WriteOff(
        account=ANY, invoice_id="INV-1", amount=Decimal("400.00"), reason="short payment",
    ),)),
    Write(c.RecordContact, on_account("/contacts"), {
        "contact_id": "CT-1", "channel": "call", "outcome": "conversation",
        "at": "2026-02-10T15:30:00Z", "note": "payment run on Friday",
    }, "agent", ("ContactAttempted",)),
    Write(t.CreateTask, on_account("/tasks"), {
        "task_id": "TSK-1", "kind": "callback", "due_date": "2026-02-20", "due_time": "14:30",
        "note": "call back after the board meeting",
    }, "agent", ("TaskCreated",)),
    Write(t.ReassignTask, on_account("/task-reassignments"), {
        "task_id": "TSK-1", "owner": "agent-9", "note": "on leave",
    }, "manager", ("TaskReassigned",), given=(TASK,)),
    Write(t.CompleteTask, on_account("/task-completions"), {
        "task_id": "TSK-1", "note": "paying Friday",
    }, "agent", ("TaskCompleted",), given=(TASK,)),
    Write(t.CancelTask, on_account("/task-cancellations"), {
        "task_id": "TSK-1", "note": "paid before the call",
    }, "agent", ("TaskCancelled",), given=(TASK,)),
    Write(s.SendStatement, on_account("/statement-notices"), {
        "channel": "email", "as_of": "2026-02-10", "reason": "asked by phone for a copy",
    }, "agent", ("NoticeSent",), contact={"name": "Dana Whitfield", "email": "ap@debtor.example"}),
    Write(a.RequestCeaseCommunication, on_account("/cease-communication"), {
        "reason": "debtor's written request",
    }, "compliance", ("CeaseCommunicationRequested",)),
    Write(a.PlaceWithAgency, on_account("/agency-placements"), {
        "agency_id": "AGY-ATLAS", "reason": "120 days past due",
    }, "manager", ("PlacedWithAgency",)),
    Write(a.RecallFromAgency, on_account("/agency-recalls"), {"reason": "plan agreed"},
          "manager", ("RecalledFromAgency",),
          given=(a.PlaceWithAgency(account=ANY, agency_id="AGY-ATLAS"),)),
    Write(a.ReferToLegal, on_account("/legal-referrals"), {"reason": "agency returned it"},
          "manager", ("ReferredToLegal",)),
    Write(a.WithdrawLegalReferral, on_account("/legal-referral-withdrawals"), {
        "reason": "paid before the claim was filed",
    }, "manager", ("LegalReferralWithdrawn",),
          given=(a.ReferToLegal(account=ANY, reason="agency returned it"),)),
    Write(a.PlaceCreditHold, on_account("/credit-holds"), {"reason": "60 days past due"},
          "manager", ("CreditHoldPlaced",)),
    Write(a.ReleaseCreditHold, on_account("/credit-hold-releases"), {"reason": "cleared"},
          "manager", ("CreditHoldReleased",),
          given=(a.PlaceCreditHold(account=ANY, reason="60 days past due"),)),
    Write(cash.RecordPayerAccount, on_account("/payer-accounts"), {
        "bank_account": "DE89 3704 0044 0532 0130 00", "kind": "bank_account",
        "reason": "treasury account on the remittance advice",
    }, "cashier", ("PayerAccountRecorded",)),
    Write(cash.RefundCredit, on_account("/credit-refunds"), {
        "refund_id": "RFD-1", "amount": "500.00", "currency": "USD",
        "bank_reference": "SEPA-OUT-1", "reason": "overpayment returned on request",
    }, "cashier", ("CreditRefunded",), given=(r.RecordPayment(
        account=ANY, payment_id="PAY-OVER", amount=Decimal("4000.00"), currency="USD",
        received_on=date(2026, 2, 5),
    ),)),
    Write(a.ErasePersonalData, on_account("/personal-data-erasure"), {
        "reason": "GDPR art. 17 request DSR-14",
    }, "compliance", ("PersonalDataErased",)),
)

BY_NAME = {w.name: w for w in WRITES}
ON_ACCOUNTS = tuple(w for w in WRITES if not w.opens_account)
AMOUNT_FIELDS = frozenset({"amount", "credit_amount", "credit_limit"})


def with_amounts(value: Any, change: Callable[[str], Any]) -> Any:
    """``value`` with every amount in it (nested ones too) changed by ``change``."""
    if isinstance(value, dict):
        return {k: change(v) if k in AMOUNT_FIELDS else with_amounts(v, change)
                for k, v in value.items()}
    if isinstance(value, list):
        return [with_amounts(v, change) for v in value]
    return value


def has_amount(write: Write) -> bool:
    return with_amounts(write.body, lambda _: None) != write.body


def ids(writes: tuple[Write, ...]) -> list[str]:
    return [w.name for w in writes]


@dataclass(frozen=True)
class Call:
    """A concrete request for an endpoint: ``{mine}`` is an account of agent-1 and ``{me}``
    agent-1 itself; for another agent's they become ``{theirs}`` and agent-2."""

    method: str
    url: str
    body: Any = None

    @property
    def agents_own(self) -> bool:
        """Does the request name an agent's own account or worklist?"""
        return "{mine}" in self.url or "{me}" in self.url

    def request(self, mine: str, theirs: str, other_agent: bool = False) -> tuple[str, Any]:
        """(url, body) with the placeholders filled, for agent-1's or for agent-2's things."""
        account, agent = (theirs, "agent-2") if other_agent else (mine, "agent-1")

        def fill(text: str) -> str:
            return text.format(mine=account, me=agent)

        body = ({k: fill(v) if isinstance(v, str) else v for k, v in self.body.items()}
                if self.body else self.body)
        return fill(self.url), body


CALLS: dict[tuple[str, str], Call] = {
    (c.method, route): c for route, c in (
        ("/accounts", Call("GET", "/accounts")),
        ("/accounts/{account}", Call("GET", "/accounts/{mine}")),
        ("/accounts/{account}/history", Call("GET", "/accounts/{mine}/history")),
        ("/accounts/{account}/contact-refusals",
         Call("GET", "/accounts/{mine}/contact-refusals")),
        ("/reports/contact-refusals",
         Call("GET", "/reports/contact-refusals?from=2026-01-01&to=2026-02-10")),
        ("/accounts/{account}/statement",
         Call("GET", "/accounts/{mine}/statement?from=2026-01-01&to=2026-02-10")),
        ("/accounts/{account}/tasks", Call("GET", "/accounts/{mine}/tasks")),
        ("/tasks", Call("GET", "/tasks?owner={me}&overdue=true")),
        ("/notices", Call("GET", "/notices?account={mine}")),
        ("/accounts/{account}/notices", Call("GET", "/accounts/{mine}/notices")),
        ("/accounts/{account}/notices/{notice_id}/message",
         Call("GET", "/accounts/{mine}/notices/notice-20260210/message")),
        ("/accounts/{account}/notices/{notice_id}/letter.pdf",
         Call("GET", "/accounts/{mine}/notices/notice-20260210/letter.pdf")),
        ("/accounts/{account}/notices/{notice_id}/deliveries",
         Call("POST", "/accounts/{mine}/notices/notice-20260210/deliveries",
              {"outcome": "failed", "reason": "returned: addressee unknown"})),
        ("/search", Call("GET", "/search?q=ACC")),
        ("/aging", Call("GET", "/aging?as_of=2026-02-10")),
        ("/kpis", Call("GET", "/kpis?from=2026-01-01&to=2026-02-10")),
        ("/kpis/trend", Call("GET", "/kpis/trend?months=3&to=2026-02-10")),
        ("/reports/disputes", Call("GET", "/reports/disputes?from=2026-01-01&to=2026-02-10")),
        ("/audit/events", Call("GET", "/audit/events")),
        ("/worklists/{agent_id}", Call("GET", "/worklists/{me}?on=2026-02-10&preview=true")),
        ("/worklists/{agent_id}", Call("POST", "/worklists/{me}?on=2026-02-10")),
        ("/approvals", Call("GET", "/approvals")),
        ("/audit/verify", Call("GET", "/audit/verify")),
        ("/audit/checkpoints", Call("GET", "/audit/checkpoints")),
        ("/audit/checkpoints/{checkpoint_id}", Call("GET", "/audit/checkpoints/1")),
        ("/audit/checkpoints", Call("POST", "/audit/checkpoints")),
        ("/audit/trails", Call("POST", "/audit/trails", {"account": "{mine}"})),
        ("/keys/grants", Call("GET", "/keys/grants")),
        ("/keys", Call("POST", "/keys", {"role": "service", "actor_id": "feed-{mine}"})),
        ("/keys", Call("GET", "/keys")),
        ("/keys/{key_id}", Call("DELETE", "/keys/00000000")),
        ("/days/{day}/tick", Call("POST", "/days/2026-02-09/tick")),
        ("/dunning/dry-run", Call("GET", "/dunning/dry-run?day=2026-02-09")),
        ("/policies", Call("GET", "/policies")),
        ("/fx-rates", Call("POST", "/fx-rates")),
        ("/fx-rates", Call("GET", "/fx-rates?date=2026-02-10")),
        ("/bank-statements", Call("POST", "/bank-statements")),
        ("/receipts", Call("GET", "/receipts?status=unidentified")),
        ("/receipts/{receipt_id}",
         Call("GET", "/receipts/00000000-0000-4000-8000-000000000000")),
        ("/receipts/{receipt_id}/matches",
         Call("POST", "/receipts/00000000-0000-4000-8000-000000000000/matches",
              {"splits": [{"account": "ACC-0001", "amount": "1.00"}], "reason": "remittance"})),
        ("/receipts/{receipt_id}/returns",
         Call("POST", "/receipts/00000000-0000-4000-8000-000000000000/returns",
              {"reason": "not our customer"})),
        ("/reports/cash-application", Call("GET", "/reports/cash-application")),
        ("/operations/status", Call("GET", "/operations/status")),
        ("/operations/accounts/{account}/rebuild",
         Call("POST", "/operations/accounts/{mine}/rebuild")),
    )
}
"""Every endpoint that needs a key and carries no command, by (method, route)."""
