"""What each command carries, drawn for an account as it stands (`command_strategies`
for the values): ids that earlier commands made, amounts the account's state lets through
(with a chance of anything the model takes), due dates after today. Each builder returns
a command's own fields as a client sends them, or None when the account offers nothing
for the command to be about; `envelope` in the tests adds what every command carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ledger.aggregates import Account
from ledger.aggregates.dispute_reasons import DISPUTE_REASONS
from ledger.commands import accounts as acc
from ledger.commands import cash as csh
from ledger.commands import collections as col
from ledger.commands import notices as ntc
from ledger.commands import receivables as rec
from ledger.commands import statements as stm
from ledger.commands import tasks as tsk
from ledger.commands.base import SYSTEM, Actor, Command
from ledger.currencies import minor_units
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import AGENT, OTHER_MANAGER, SERVICE, SteppingClock
from tests.property import command_strategies as cs

COMPLIANCE = Actor("compliance-1", "compliance")
Draw = Callable[[st.SearchStrategy[Any]], Any]
Fields = dict[str, Any] | None


@dataclass
class World:
    """One example's ledger, and the ids its accepted commands made, per account."""

    service: LedgerService
    clock: SteppingClock
    models: ReadModels
    accounts: list[str] = field(default_factory=list)
    made: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.clock.now.date()

    def ids(self, number: str, kind: str) -> list[str]:
        return self.made.setdefault((number, kind), [])

    def state(self, number: str) -> Account:
        return self.service.account(number)


# ---------------------------------------------------------------------------------------
# Field values per command, leaning towards what the account's state lets through


def existing(draw: Draw, world: World, number: str, kind: str) -> str:
    """An id an earlier command made, or (when there is none) any identifier."""
    made = world.ids(number, kind)
    return str(draw(st.sampled_from(made) if made else cs.identifiers))


def amount(draw: Draw, currency: str, at_most: Decimal | None = None) -> str | Decimal:
    """Mostly within ``at_most`` (what the account's state allows), sometimes anything."""
    within = at_most is not None and at_most > 0 and draw(st.integers(0, 4))
    value: str | Decimal = draw(cs.amounts(currency, at_most if within else None))
    return value


def open_account(draw: Draw, world: World, number: str) -> dict[str, Any]:
    currency = draw(cs.currencies)
    return {
        "name": draw(cs.names), "currency": currency,
        "terms_days": draw(st.sampled_from((0, 30, 365)) | st.integers(0, 365)),
        "credit_limit": draw(st.none() | cs.amounts(currency)),
        "timezone": draw(cs.timezones), "segment": draw(st.just("standard") | cs.identifiers),
        "contact": draw(cs.contact_details),
    }


def issue_invoice(draw: Draw, world: World, number: str) -> Fields:
    state = world.state(number)
    currency = draw(st.just(state.currency) | cs.currencies)
    issued = draw(cs.dates_around(world.today, back=3000, ahead=400))
    due = draw(st.none() | st.just(cs.LATEST) | cs.dates_around(issued, back=0, ahead=400))
    return {"invoice_id": draw(cs.identifiers), "amount": amount(draw, currency),
            "currency": currency, "issue_date": cs.iso(issued),
            "due_date": None if due is None else cs.iso(due), "reference": draw(cs.references)}


def adjust_invoice(draw: Draw, world: World, number: str) -> Fields:
    invoice_id = existing(draw, world, number, "invoice")
    invoice = world.state(number).invoices.get(invoice_id)
    if invoice is None:
        return None
    kind = draw(st.sampled_from(("credit", "debit")))
    limit = invoice.undisputed if kind == "credit" else None
    return {"invoice_id": invoice_id, "note_id": draw(cs.identifiers), "kind": kind,
            "amount": amount(draw, invoice.currency, limit), "reason": draw(cs.notes)}


def allocation_lines(draw: Draw, world: World, number: str, currency: str
                     ) -> list[dict[str, Any]]:
    open_invoices = [i for i in world.state(number).invoices.values()
                     if i.currency == currency and i.outstanding > 0]
    if not open_invoices or draw(st.booleans()):
        return []
    chosen = draw(st.lists(st.sampled_from(open_invoices), min_size=1, max_size=3,
                           unique_by=lambda i: i.invoice_id))
    return [{"invoice_id": i.invoice_id, "amount": amount(draw, currency, i.outstanding)}
            for i in chosen]


def record_payment(draw: Draw, world: World, number: str) -> Fields:
    state = world.state(number)
    owed = sorted({i.currency for i in state.invoices.values()}) or [state.currency]
    currency = draw(st.sampled_from(owed) | cs.currencies)
    lines = allocation_lines(draw, world, number, currency)
    total = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    cash = amount(draw, currency, state.outstanding(currency) or None)
    return {"payment_id": draw(cs.identifiers),
            "amount": str(max(Decimal(cash), total)) if lines else cash,
            "currency": currency,
            "received_on": cs.iso(draw(cs.dates_around(world.today, back=60, ahead=3))),
            "reference": draw(cs.references), "method": draw(st.just("card") | cs.identifiers),
            "allocations": lines}


def allocate_payment(draw: Draw, world: World, number: str) -> Fields:
    payment_id = existing(draw, world, number, "payment")
    payment = world.state(number).payments.get(payment_id)
    currency = payment.currency if payment else draw(cs.currencies)
    return {"payment_id": payment_id,
            "allocations": allocation_lines(draw, world, number, currency)}


def reverse_payment(draw: Draw, world: World, number: str) -> Fields:
    return {"payment_id": existing(draw, world, number, "payment"), "reason": draw(cs.notes)}


def open_dispute(draw: Draw, world: World, number: str) -> Fields:
    invoice_id = existing(draw, world, number, "invoice")
    invoice = world.state(number).invoices.get(invoice_id)
    if invoice is None:
        return None
    return {"dispute_id": draw(cs.identifiers), "invoice_id": invoice_id,
            "amount": amount(draw, invoice.currency, invoice.undisputed),
            "reason": draw(cs.notes), "reason_code": draw(REASON_CODES),
            "owner": draw(st.none() | cs.identifiers)}


REASON_CODES = st.sampled_from(DISPUTE_REASONS)


def resolve_dispute(draw: Draw, world: World, number: str) -> Fields:
    dispute_id = existing(draw, world, number, "dispute")
    outcome = draw(st.sampled_from(("upheld", "rejected")))
    dispute = world.state(number).disputes.get(dispute_id)
    credit = None
    if dispute is not None and outcome == "upheld" and draw(st.booleans()):
        currency = world.state(number).invoices[dispute.invoice_id].currency
        credit = amount(draw, currency, dispute.amount)
    return {"dispute_id": dispute_id, "outcome": outcome, "reason": draw(cs.notes),
            "credit_amount": credit}


def owed_currency(draw: Draw, state: Account) -> str:
    owed = sorted({i.currency for i in state.invoices.values() if i.outstanding > 0})
    return str(draw(st.sampled_from(owed) if owed else cs.currencies))


def create_task(draw: Draw, world: World, number: str) -> Fields:
    return {"task_id": draw(cs.identifiers),
            "kind": draw(st.sampled_from(("callback", "follow_up", "review"))),
            "due_date": cs.iso(draw(cs.dates_from(world.today, ahead=60))),
            "due_time": draw(st.none() | st.times().map(lambda t: t.strftime("%H:%M"))),
            "owner": draw(st.none() | st.sampled_from((AGENT.actor_id,)) | cs.identifiers),
            "note": draw(cs.notes)}


def task_closing(draw: Draw, world: World, number: str) -> Fields:
    return {"task_id": existing(draw, world, number, "task"), "note": draw(cs.notes)}


def make_promise(draw: Draw, world: World, number: str) -> Fields:
    state = world.state(number)
    currency = owed_currency(draw, state)
    return {"promise_id": draw(cs.identifiers),
            "amount": amount(draw, currency, state.outstanding(currency)),
            "currency": currency,
            "due_date": cs.iso(draw(cs.dates_from(world.today, ahead=60))),
            "grace_days": draw(st.sampled_from((0, 31)) | st.integers(0, 31))}


def instalments(draw: Draw, today: date, currency: str, owed: Decimal) -> list[dict[str, str]]:
    """1 to 120 instalments, due on strictly increasing days, the last one perhaps on
    2199-12-31, together at most what is owed (in minor units, evenly or one unit each)."""
    count = draw(st.sampled_from((1, 120)) | st.integers(1, 12))
    last = draw(st.just(cs.LATEST) | st.just(today + timedelta(days=count * 31)))
    step = max((last - today).days // count, 1)
    units = cs.minor(owed, currency) // count if owed > 0 else 1
    each = draw(st.sampled_from((1, max(units, 1))))
    places = minor_units(currency)
    return [{"due_date": cs.iso(min(last - timedelta(days=step * (count - n)), cs.LATEST)),
             "amount": str(Decimal(each).scaleb(-places))} for n in range(1, count + 1)]


def agree_payment_plan(draw: Draw, world: World, number: str) -> Fields:
    state = world.state(number)
    currency = owed_currency(draw, state)
    return {"plan_id": draw(cs.identifiers), "currency": currency,
            "instalments": instalments(draw, world.today, currency, state.outstanding(currency)),
            "grace_days": draw(st.sampled_from((0, 31)) | st.integers(0, 31))}


def agree_settlement(draw: Draw, world: World, number: str) -> Fields:
    state = world.state(number)
    currency = owed_currency(draw, state)
    below = state.outstanding(currency) - Decimal(1).scaleb(-minor_units(currency))
    return {"settlement_id": draw(cs.identifiers), "amount": amount(draw, currency, below),
            "currency": currency,
            "due_by": cs.iso(draw(cs.dates_from(world.today)))}


def decide_settlement(draw: Draw, world: World, number: str) -> Fields:
    return {"settlement_id": existing(draw, world, number, "settlement"),
            "approve": draw(st.booleans()), "reason": draw(cs.notes)}


def reduction(draw: Draw, world: World, number: str, cap: Decimal | None = None) -> Fields:
    invoice_id = existing(draw, world, number, "invoice")
    invoice = world.state(number).invoices.get(invoice_id)
    if invoice is None:
        return None
    limit = invoice.undisputed if cap is None else min(invoice.undisputed, cap)
    return {"invoice_id": invoice_id, "amount": amount(draw, invoice.currency, limit),
            "reason": draw(cs.required_notes)}


def write_off(draw: Draw, world: World, number: str) -> Fields:
    return reduction(draw, world, number, cap=Decimal(1000))


def request_write_off(draw: Draw, world: World, number: str) -> Fields:
    fields = reduction(draw, world, number)
    return None if fields is None else {"request_id": draw(cs.identifiers), **fields}


def decide_write_off(draw: Draw, world: World, number: str) -> Fields:
    return {"request_id": existing(draw, world, number, "request"),
            "approve": draw(st.booleans()), "reason": draw(cs.notes)}


def record_recovery(draw: Draw, world: World, number: str) -> Fields:
    written_off = [i for i in world.state(number).invoices.values()
                   if i.written_off > i.recovered]
    if not written_off:
        return None
    invoice = draw(st.sampled_from(written_off))
    return {"recovery_id": draw(cs.identifiers), "invoice_id": invoice.invoice_id,
            "amount": amount(draw, invoice.currency, invoice.written_off - invoice.recovered),
            "received_on": cs.iso(draw(cs.dates_around(world.today, back=30)))}


def record_contact(draw: Draw, world: World, number: str) -> Fields:
    return {
        "contact_id": draw(cs.identifiers),
        "channel": draw(st.sampled_from(("call", "email", "letter", "sms", "visit"))),
        "outcome": draw(st.sampled_from(("no_answer", "left_message", "conversation",
                                         "wrong_number", "refused", "sent"))),
        "at": draw(cs.moments(world.clock.now)),
        "purpose": draw(st.sampled_from(("collection", "permitted_notice", "service"))),
        "note": draw(cs.notes),
    }


def process_day(draw: Draw, world: World, number: str) -> Fields:
    day = draw(st.just(world.today) | cs.dates_around(world.today, back=5, ahead=40))
    return {"day": cs.iso(day)}


def record_notice_delivery(draw: Draw, world: World, number: str) -> Fields:
    """A notice the account's dunning issued and nobody delivered yet, or any id."""
    pending = world.state(number).notices_to_deliver()
    failed = draw(st.booleans())
    return {"notice_id": draw(st.sampled_from(pending) if pending else cs.identifiers),
            "outcome": "failed" if failed else "delivered",
            "reason": draw(cs.notes) if failed else ""}


def send_statement(draw: Draw, world: World, number: str) -> Fields:
    """A statement of today or an earlier day, by either channel, asked for or not."""
    day = draw(st.just(world.today) | cs.dates_around(world.today, back=60))
    return {"channel": draw(st.sampled_from(("email", "letter"))), "as_of": cs.iso(day),
            "reason": draw(cs.required_notes), "customer_request": draw(st.booleans())}


def record_payer_account(draw: Draw, world: World, number: str) -> Fields:
    """An IBAN as printed (in groups) or a domestic number, often one already set."""
    account = draw(st.sampled_from(("DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819",
                                    "0532013000", "9999")) | st.from_regex(
        r"[A-Z0-9]{4}( ?[A-Z0-9]{1,4}){0,8}", fullmatch=True))
    return {"bank_account": account,
            "kind": draw(st.sampled_from(("bank_account", "virtual_account"))),
            "reason": draw(cs.notes)}


def refund_credit(draw: Draw, world: World, number: str) -> Fields:
    """Some of the credit there is, all of it, or more (the rule that says no)."""
    state = world.state(number)
    currency = draw(st.sampled_from(sorted({p.currency for p in state.payments.values()}))
                    if state.payments else cs.currencies)
    credit = state.unapplied_credit(currency)
    amount = draw(cs.amounts(currency, credit) if credit > 0 else cs.amounts(currency))
    return {"refund_id": draw(cs.identifiers), "amount": amount, "currency": currency,
            "bank_reference": draw(cs.references), "reason": draw(cs.required_notes)}


def reason_only(draws: st.SearchStrategy[str]) -> Callable[[Draw, World, str], Fields]:
    return lambda draw, world, number: {"reason": draw(draws)}


BUILDERS: dict[type[Command], Callable[[Draw, World, str], Fields]] = {
    acc.OpenAccount: open_account,
    acc.ChangeTerms: lambda draw, world, number: {
        "terms_days": draw(st.sampled_from((0, 365)) | st.integers(0, 365)),
        "reason": draw(cs.notes)},
    acc.SetCreditLimit: lambda draw, world, number: {
        "amount": draw(st.none() | cs.amounts(world.state(number).currency)),
        "reason": draw(cs.notes)},
    acc.AssignAgent: lambda draw, world, number: {
        "agent_id": draw(st.sampled_from((AGENT.actor_id, None)) | cs.identifiers)},
    acc.RequestCeaseCommunication: reason_only(cs.notes),
    acc.PlaceWithAgency: lambda draw, world, number: {
        "agency_id": draw(cs.identifiers), "reason": draw(cs.notes)},
    acc.RecallFromAgency: reason_only(cs.notes),
    acc.ReferToLegal: reason_only(cs.notes),
    acc.WithdrawLegalReferral: reason_only(cs.required_notes),
    acc.PlaceCreditHold: reason_only(cs.notes),
    acc.ReleaseCreditHold: reason_only(cs.notes),
    acc.ErasePersonalData: reason_only(cs.required_notes),
    rec.IssueInvoice: issue_invoice,
    rec.AdjustInvoice: adjust_invoice,
    rec.RecordPayment: record_payment,
    rec.AllocatePayment: allocate_payment,
    rec.ReversePayment: reverse_payment,
    col.OpenDispute: open_dispute,
    col.ResolveDispute: resolve_dispute,
    col.ChangeDisputeReason: lambda draw, world, number: {
        "dispute_id": existing(draw, world, number, "dispute"),
        "reason_code": draw(REASON_CODES), "reason": draw(cs.required_notes)},
    col.AssignDisputeOwner: lambda draw, world, number: {
        "dispute_id": existing(draw, world, number, "dispute"),
        "owner": draw(cs.identifiers), "reason": draw(cs.notes)},
    col.MakePromise: make_promise,
    col.AgreePaymentPlan: agree_payment_plan,
    col.AgreeSettlement: agree_settlement,
    col.DecideSettlement: decide_settlement,
    col.WriteOff: write_off,
    col.RequestWriteOff: request_write_off,
    col.DecideWriteOff: decide_write_off,
    col.RecordRecovery: record_recovery,
    col.RecordContact: record_contact,
    col.ProcessDay: process_day,
    tsk.CreateTask: create_task,
    tsk.ReassignTask: lambda draw, world, number: {
        "task_id": existing(draw, world, number, "task"), "owner": draw(cs.identifiers),
        "note": draw(cs.notes)},
    tsk.CompleteTask: task_closing,
    tsk.CancelTask: task_closing,
    ntc.RecordNoticeDelivery: record_notice_delivery,
    stm.SendStatement: send_statement,
    csh.RecordPayerAccount: record_payer_account,
    csh.RefundCredit: refund_credit,
}

ACTORS: dict[type[Command], Actor] = {
    acc.OpenAccount: SERVICE, rec.IssueInvoice: SERVICE, rec.AdjustInvoice: SERVICE,
    rec.RecordPayment: SERVICE, col.RecordRecovery: SERVICE,
    acc.RequestCeaseCommunication: AGENT, col.OpenDispute: AGENT, col.MakePromise: AGENT,
    col.AgreePaymentPlan: AGENT, col.RequestWriteOff: AGENT, col.RecordContact: AGENT,
    col.DecideSettlement: OTHER_MANAGER, col.DecideWriteOff: OTHER_MANAGER,
    acc.ErasePersonalData: COMPLIANCE, col.ProcessDay: SYSTEM,
    ntc.RecordNoticeDelivery: SYSTEM,
    tsk.CreateTask: AGENT, tsk.CompleteTask: AGENT, tsk.CancelTask: AGENT,
    stm.SendStatement: AGENT,
}
"""Who sends each command (README's role table); the manager sends the rest."""

MAKES = {rec.IssueInvoice: ("invoice", "invoice_id"), rec.RecordPayment: ("payment", "payment_id"),
         col.OpenDispute: ("dispute", "dispute_id"),
         col.AgreeSettlement: ("settlement", "settlement_id"),
         col.RequestWriteOff: ("request", "request_id"), tsk.CreateTask: ("task", "task_id")}


NEEDS = {rec.AdjustInvoice: "invoice", rec.AllocatePayment: "payment",
         rec.ReversePayment: "payment", col.OpenDispute: "invoice", col.ResolveDispute: "dispute",
         col.ChangeDisputeReason: "dispute", col.AssignDisputeOwner: "dispute",
         col.DecideSettlement: "settlement", col.WriteOff: "invoice",
         col.RequestWriteOff: "invoice", col.DecideWriteOff: "request",
         col.RecordRecovery: "invoice", tsk.ReassignTask: "task", tsk.CompleteTask: "task",
         tsk.CancelTask: "task"}
"""What a command refers to: it goes to an account that has one, if any has."""


def account_for(draw: Draw, world: World, cls: type[Command]) -> str:
    kind = NEEDS.get(cls)
    having = [number for number in world.accounts if kind and world.ids(number, kind)]
    return str(draw(st.sampled_from(having or world.accounts)))
