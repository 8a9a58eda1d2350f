"""Random command sequences through a real LedgerService, checked against a small model.

The machine drives two or three accounts holding USD and JPY invoices (two
minor units and none) through the command bus on SQLite in memory, with the
recorded-time clock and the business date only moving forward. Many commands
are meant to fail (over-allocation, the wrong currency, a write-off above the
four-eyes threshold, approving one's own request); the model says beforehand
whether each command should pass, so a wrongly accepted command fails the test
as surely as a wrongly rejected one, and a rejected command must leave the
event store untouched. Snapshots are taken every few events so that loading
through the repository (snapshot + tail) is compared with a full replay.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ledger.aggregates import Account
from ledger.aggregates.approval_expiry import ApprovalExpiry
from ledger.aggregates.errors import LedgerError
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor, Command, CommandResult
from ledger.commands.cash import RefundCredit
from ledger.commands.collections import (
    DecideWriteOff,
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordRecovery,
    RequestWriteOff,
    ResolveDispute,
    WriteOff,
)
from ledger.commands.receivables import (
    AdjustInvoice,
    AllocatePayment,
    AllocationLine,
    IssueInvoice,
    RecordPayment,
    ReversePayment,
)
from tests.builders import AGENT, MANAGER, OTHER_MANAGER, make_service
from tests.property.account_checks import (
    check_against_model,
    check_hash_chain,
    check_money,
    check_state_matches_replay,
)
from tests.property.account_model import (
    BACKDATE,
    CURRENCIES,
    SNAPSHOT_EVERY,
    START,
    THRESHOLD,
    ModelAccount,
    ModelClaim,
    ModelInvoice,
    ModelPayment,
    has_undisputed_part,
    money,
    units,
)
from tests.replayed_view import account_known_at


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.service, self.clock = make_service()
        self.service.app.snapshotting_intervals = {Account: SNAPSHOT_EVERY}
        self.today = START
        self.clock.set_day(self.today)
        self.model: dict[str, ModelAccount] = {}
        self.counter = 0
        self.recorded: list[tuple[Command, Actor]] = []
        self.verified: dict[str, int] = {}
        self.changed = True

    # -- plumbing -------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def event_count(self) -> int:
        return self.service.app.recorder.max_notification_id() or 0

    def run(self, command: Command, actor: Actor, expect_ok: bool) -> CommandResult | None:
        before = self.event_count()
        try:
            result = self.service.execute(command, actor)
        except LedgerError as error:
            assert self.event_count() == before, f"rejected {command!r} still wrote events"
            assert not expect_ok, f"model expected {command!r} to pass, ledger said {error!r}"
            return None
        assert not result.replayed
        assert self.event_count() - before == len(result.events)
        assert expect_ok, f"model expected {command!r} to be rejected, ledger wrote {result}"
        self.changed = True
        if result.events:
            self.recorded.append((command, actor))
        return result

    def pick_account(
        self, data: st.DataObject, having: str | None = None
    ) -> tuple[str, ModelAccount]:
        """An account, preferring one that has some ``having`` (invoices, payments...)."""
        numbers = [n for n, a in self.model.items() if having is None or getattr(a, having)]
        number = data.draw(st.sampled_from(numbers or sorted(self.model)), label="account")
        return number, self.model[number]

    def has(self, having: str) -> bool:
        return any(getattr(account, having) for account in self.model.values())

    def pick(
        self,
        data: st.DataObject,
        items: dict[str, Any],
        label: str,
        usable: Callable[[Any], bool] = lambda item: True,
    ) -> str:
        """Mostly an id the command can use, sometimes any known id, now and then an unknown one."""
        if not items or data.draw(st.integers(0, 9), label=f"{label} unknown") == 0:
            return f"no-such-{label}"
        good = sorted(i for i, item in items.items() if usable(item))
        if good and data.draw(st.integers(0, 4), label=f"{label} usable") > 0:
            return data.draw(st.sampled_from(good), label=label)
        return data.draw(st.sampled_from(sorted(items)), label=label)

    def draw_amount(self, data: st.DataObject, currency: str, typical: Decimal) -> Decimal:
        """Mostly within ``typical``; sometimes beyond it, to provoke the rules that say no."""
        top = max(1, units(currency, typical))
        if data.draw(st.integers(0, 4), label="spill") == 0:
            top = top * 2 + 100
        return money(currency, data.draw(st.integers(1, top), label="units"))

    def draw_lines(
        self, data: st.DataObject, account: ModelAccount, currency: str
    ) -> list[tuple[str, Decimal]]:
        lines = []
        for _ in range(data.draw(st.integers(1, 3), label="lines")):
            same = {i: v for i, v in account.invoices.items() if v.currency == currency}
            wrong_currency = data.draw(st.integers(0, 7), label="wrong currency") == 0
            invoice_id = self.pick(
                data, account.invoices if wrong_currency else same, "invoice", has_undisputed_part
            )
            invoice = account.invoices.get(invoice_id)
            line_currency = invoice.currency if invoice else currency
            typical = invoice.undisputed if invoice else Decimal(10)
            lines.append((invoice_id, self.draw_amount(data, line_currency, typical)))
        return lines

    # -- rules ----------------------------------------------------------------------------

    @initialize(
        data=st.data(),
        terms=st.lists(st.integers(0, 60), min_size=2, max_size=3),
        base=st.sampled_from(CURRENCIES),
    )
    def open_accounts_with_invoices(self, data: st.DataObject, terms: list[int], base: str) -> None:
        """Start from accounts that already owe something, some paid in advance, so that short
        runs reach payments and the allocation of unapplied credit."""
        for n, days in enumerate(terms, start=1):
            number = f"ACC-{n}"
            cmd = OpenAccount(
                account=number,
                name=f"Debtor {n}",
                currency=base,
                terms_days=days,
                effective_on=self.today,
            )
            self.run(cmd, MANAGER, expect_ok=True)
            self.model[number] = ModelAccount(terms_days=days)
            if data.draw(st.booleans(), label="paid in advance"):
                self.pay(data, number, data.draw(st.sampled_from(CURRENCIES)), explicit=False)
            for currency in data.draw(st.lists(st.sampled_from(CURRENCIES), max_size=3)):
                self.issue(data, number, currency)

    @rule(days=st.integers(0, 20))
    def advance_business_day(self, days: int) -> None:
        self.today += timedelta(days=days)
        self.clock.set_day(self.today)

    @rule(data=st.data(), currency=st.sampled_from(CURRENCIES))
    def issue_invoice(self, data: st.DataObject, currency: str) -> None:
        self.issue(data, self.pick_account(data)[0], currency)

    def issue(self, data: st.DataObject, number: str, currency: str) -> None:
        account = self.model[number]
        invoice_id = self.new_id("INV")
        if account.invoices and data.draw(st.integers(0, 9), label="duplicate") == 0:
            invoice_id = data.draw(st.sampled_from(sorted(account.invoices)), label="invoice")
        amount = money(currency, data.draw(st.integers(1, 400_000), label="amount"))
        too_precise = data.draw(st.integers(0, 14), label="too precise") == 0
        if too_precise:
            amount += Decimal("0.005")
        issued = self.today - timedelta(days=data.draw(st.integers(0, 5), label="backdate"))
        offset = data.draw(st.none() | st.integers(-3, 60), label="due offset")
        due = None if offset is None else issued + timedelta(days=offset)
        cmd = IssueInvoice(
            account=number,
            invoice_id=invoice_id,
            amount=amount,
            currency=currency,
            issue_date=issued,
            due_date=due,
        )
        expect = (
            invoice_id not in account.invoices
            and not too_precise
            and (offset is None or offset >= 0)
        )
        if self.run(cmd, MANAGER, expect):
            due = due or issued + timedelta(days=account.terms_days)
            account.invoices[invoice_id] = ModelInvoice(currency, amount, issued, due)

    @precondition(lambda self: self.has("invoices"))
    @rule(data=st.data(), kind=st.sampled_from(["credit", "debit"]))
    def adjust_invoice(self, data: st.DataObject, kind: str) -> None:
        number, account = self.pick_account(data, "invoices")
        invoice_id = self.pick(data, account.invoices, "invoice", has_undisputed_part)
        invoice = account.invoices.get(invoice_id)
        currency = invoice.currency if invoice else "USD"
        amount = self.draw_amount(data, currency, invoice.undisputed if invoice else Decimal(5))
        cmd = AdjustInvoice(
            account=number,
            invoice_id=invoice_id,
            note_id=self.new_id("NOTE"),
            kind=kind,
            amount=amount,
            reason="property test",
            effective_on=self.today,
        )
        expect = invoice is not None and (kind == "debit" or amount <= invoice.undisputed)
        if self.run(cmd, MANAGER, expect) and invoice is not None:
            if kind == "credit":
                invoice.credit += amount
            else:
                invoice.debit += amount

    @rule(data=st.data(), explicit=st.booleans())
    def record_payment(self, data: st.DataObject, explicit: bool) -> None:
        number, account = self.pick_account(data)
        currency = data.draw(st.sampled_from(account.currencies_owed() or CURRENCIES))
        self.pay(data, number, currency, explicit)

    @precondition(lambda self: self.has("live_payments"))
    @rule(data=st.data())
    def refund_credit(self, data: st.DataObject) -> None:
        """Credit paid back: at most what there is, oldest payments' credit first."""
        number, account = self.pick_account(data, "live_payments")
        currency = data.draw(st.sampled_from(sorted({p.currency
                                                     for p in account.payments.values()})))
        payments = sorted(((i, p) for i, p in account.payments.items()
                           if p.currency == currency), key=lambda ip: (ip[1].received_on, ip[0]))
        credit = sum((p.unapplied for _, p in payments), Decimal(0))
        amount = self.draw_amount(data, currency, credit if credit > 0 else Decimal(10))
        cmd = RefundCredit(account=number, refund_id=self.new_id("RFD"), amount=amount,
                           currency=currency, bank_reference="SEPA-OUT",
                           reason="customer asked for it back", effective_on=self.today)
        if self.run(cmd, MANAGER, expect_ok=amount <= credit):
            left = amount
            for _, payment in payments:
                take = min(payment.unapplied, left)
                payment.refunded += take
                left -= take

    @precondition(lambda self: self.has("invoices"))
    @rule(data=st.data())
    def pay_the_balance(self, data: st.DataObject) -> None:
        """The debtor pays everything it owes in one currency, disputed part included."""
        number, account = self.pick_account(data, "invoices")
        currency = data.draw(st.sampled_from(account.currencies_owed() or CURRENCIES))
        self.pay(data, number, currency, explicit=False, cash=account.owed(currency))

    def pay(
        self,
        data: st.DataObject,
        number: str,
        currency: str,
        explicit: bool,
        cash: Decimal | None = None,
    ) -> None:
        account = self.model[number]
        if not cash:
            cash = self.draw_amount(data, currency, account.owed(currency) or Decimal(500))
        lines = self.draw_lines(data, account, currency) if explicit else []
        received = self.today - timedelta(days=data.draw(BACKDATE, label="backdate"))
        cmd = RecordPayment(
            account=number,
            payment_id=self.new_id("PAY"),
            amount=cash,
            currency=currency,
            received_on=received,
            allocations=tuple(AllocationLine(invoice_id=i, amount=a) for i, a in lines),
        )
        chosen = account.explicit(currency, cash, lines, received) if lines else None
        if not lines:
            chosen = account.oldest_due_first(currency, cash, received)
        if self.run(cmd, MANAGER, expect_ok=chosen is not None) and chosen is not None:
            account.payments[cmd.payment_id] = ModelPayment(currency, cash, received)
            account.apply_allocation(cmd.payment_id, chosen)
            account.review_promise(received)

    @precondition(lambda self: self.has("allocatable"))
    @rule(data=st.data(), explicit=st.booleans())
    def allocate_unapplied_credit(self, data: st.DataObject, explicit: bool) -> None:
        number, account = self.pick_account(data, "allocatable")
        payment_id = self.pick(data, account.payments, "payment", account.allocatable.__contains__)
        payment = account.payments.get(payment_id)
        currency = payment.currency if payment else "USD"
        lines = self.draw_lines(data, account, currency) if explicit else []
        chosen = None
        if payment is not None and payment.unapplied > 0:
            chosen = (
                account.explicit(currency, payment.unapplied, lines, self.today)
                if lines
                else account.oldest_due_first(currency, payment.unapplied, self.today) or None
            )
        cmd = AllocatePayment(
            account=number,
            payment_id=payment_id,
            effective_on=self.today,
            allocations=tuple(AllocationLine(invoice_id=i, amount=a) for i, a in lines),
        )
        if self.run(cmd, MANAGER, expect_ok=chosen is not None) and chosen is not None:
            account.apply_allocation(payment_id, chosen)

    @precondition(lambda self: self.has("live_payments"))
    @rule(data=st.data())
    def reverse_payment(self, data: st.DataObject) -> None:
        number, account = self.pick_account(data, "live_payments")
        payment_id = self.pick(data, account.payments, "payment", lambda p: not p.reversed)
        payment = account.payments.get(payment_id)
        cmd = ReversePayment(
            account=number, payment_id=payment_id, reason="bounced", effective_on=self.today
        )
        if self.run(cmd, MANAGER, expect_ok=payment is not None and not payment.reversed):
            assert payment is not None
            for invoice_id, amount in payment.allocations.items():
                account.invoices[invoice_id].allocated -= amount
            payment.reversed = True

    @precondition(lambda self: self.has("invoices"))
    @rule(data=st.data())
    def open_dispute(self, data: st.DataObject) -> None:
        number, account = self.pick_account(data, "invoices")
        invoice_id = self.pick(data, account.invoices, "invoice", has_undisputed_part)
        invoice = account.invoices.get(invoice_id)
        currency = invoice.currency if invoice else "USD"
        amount = self.draw_amount(data, currency, invoice.undisputed if invoice else Decimal(5))
        cmd = OpenDispute(
            account=number,
            dispute_id=self.new_id("DSP"),
            invoice_id=invoice_id,
            amount=amount,
            reason="goods damaged",
            effective_on=self.today,
        )
        expect = invoice is not None and amount <= invoice.undisputed
        if self.run(cmd, AGENT, expect) and invoice is not None:
            invoice.disputed += amount
            account.disputes[cmd.dispute_id] = ModelClaim(invoice_id, amount, AGENT.actor_id)

    @precondition(lambda self: self.has("open_disputes"))
    @rule(data=st.data(), upheld=st.booleans(), partial=st.booleans())
    def resolve_dispute(self, data: st.DataObject, upheld: bool, partial: bool) -> None:
        number, account = self.pick_account(data, "open_disputes")
        dispute_id = self.pick(data, account.disputes, "dispute", lambda d: d.open)
        dispute = account.disputes.get(dispute_id, ModelClaim("", Decimal(1), "", open=False))
        invoice = account.invoices.get(dispute.invoice_id)
        currency = invoice.currency if invoice else "USD"
        credit = self.draw_amount(data, currency, dispute.amount) if partial else None
        cmd = ResolveDispute(
            account=number,
            dispute_id=dispute_id,
            outcome="upheld" if upheld else "rejected",
            credit_amount=credit,
            effective_on=self.today,
        )
        expect = dispute.open and (credit is None or (upheld and credit <= dispute.amount))
        if self.run(cmd, MANAGER, expect) and invoice is not None:
            invoice.disputed -= dispute.amount
            if upheld:
                invoice.credit += dispute.amount if credit is None else credit
            dispute.open = False

    @precondition(lambda self: self.has("invoices"))
    @rule(data=st.data(), actor=st.sampled_from([MANAGER, MANAGER, AGENT]))
    def write_off(self, data: st.DataObject, actor: Actor) -> None:
        number, account = self.pick_account(data, "invoices")
        invoice_id = self.pick(data, account.invoices, "invoice", has_undisputed_part)
        invoice = account.invoices.get(invoice_id)
        currency = invoice.currency if invoice else "USD"
        typical = min(invoice.undisputed, THRESHOLD) if invoice else Decimal(5)
        amount = self.draw_amount(data, currency, typical)
        cmd = WriteOff(
            account=number,
            invoice_id=invoice_id,
            amount=amount,
            reason="uneconomic",
            effective_on=self.today,
        )
        expect = (
            invoice is not None
            and amount <= invoice.undisputed
            and amount <= THRESHOLD
            and actor.role == "manager"
        )
        if self.run(cmd, actor, expect) and invoice is not None:
            invoice.written_off += amount

    @precondition(lambda self: self.has("invoices"))
    @rule(data=st.data(), actor=st.sampled_from([AGENT, MANAGER]))
    def request_write_off(self, data: st.DataObject, actor: Actor) -> None:
        number, account = self.pick_account(data, "invoices")
        invoice_id = self.pick(data, account.invoices, "invoice", has_undisputed_part)
        invoice = account.invoices.get(invoice_id)
        currency = invoice.currency if invoice else "USD"
        amount = self.draw_amount(data, currency, invoice.undisputed if invoice else Decimal(5))
        cmd = RequestWriteOff(
            account=number,
            request_id=self.new_id("WOR"),
            invoice_id=invoice_id,
            amount=amount,
            reason="insolvent",
            effective_on=self.today,
        )
        expect = invoice is not None and amount <= invoice.undisputed
        if self.run(cmd, actor, expect):
            account.requests[cmd.request_id] = ModelClaim(invoice_id, amount, actor.actor_id,
                                                          raised_on=self.today)

    @precondition(lambda self: self.has("pending_requests"))
    @rule(data=st.data(), approver=st.sampled_from([OTHER_MANAGER, MANAGER, AGENT]))
    def decide_write_off(self, data: st.DataObject, approver: Actor) -> None:
        number, account = self.pick_account(data, "pending_requests")
        request_id = self.pick(data, account.requests, "request", lambda r: r.open)
        approve = data.draw(st.booleans(), label="approve")
        request = account.requests.get(request_id, ModelClaim("", Decimal(0), "", open=False))
        invoice = account.invoices.get(request.invoice_id)
        cmd = DecideWriteOff(
            account=number, request_id=request_id, approve=approve, effective_on=self.today
        )
        expect = (
            invoice is not None
            and request.open
            and approver.role == "manager"
            and approver.actor_id != request.raised_by
            and (not approve or request.amount <= invoice.undisputed)
            and (request.raised_on is None
                 or self.today < ApprovalExpiry().expires_on(request.raised_on))
        )
        if self.run(cmd, approver, expect) and invoice is not None:
            request.open = False
            if approve:
                invoice.written_off += request.amount

    @precondition(lambda self: self.has("recoverable"))
    @rule(data=st.data())
    def record_recovery(self, data: st.DataObject) -> None:
        number, account = self.pick_account(data, "recoverable")
        invoice_id = self.pick(
            data, account.invoices, "invoice", lambda i: i.written_off > i.recovered
        )
        invoice = account.invoices.get(invoice_id)
        currency = invoice.currency if invoice else "USD"
        left = invoice.written_off - invoice.recovered if invoice else Decimal(5)
        amount = self.draw_amount(data, currency, left)
        cmd = RecordRecovery(
            account=number,
            recovery_id=self.new_id("REC"),
            invoice_id=invoice_id,
            amount=amount,
            received_on=self.today,
            effective_on=self.today,
        )
        if self.run(cmd, MANAGER, expect_ok=invoice is not None and amount <= left):
            assert invoice is not None
            invoice.recovered += amount

    @rule(data=st.data(), currency=st.sampled_from(CURRENCIES))
    def make_promise(self, data: st.DataObject, currency: str) -> None:
        number, account = self.pick_account(data)
        due = self.today + timedelta(days=data.draw(st.integers(-1, 20), label="due in"))
        grace = data.draw(st.integers(0, 3), label="grace")
        amount = self.draw_amount(data, currency, account.owed(currency))
        cmd = MakePromise(
            account=number,
            promise_id=self.new_id("PTP"),
            amount=amount,
            currency=currency,
            due_date=due,
            grace_days=grace,
            effective_on=self.today,
        )
        free = account.promise is None or account.promise["status"] != "open"
        if self.run(cmd, AGENT, expect_ok=free and due >= self.today):
            account.promise = {
                "id": cmd.promise_id,
                "currency": currency,
                "amount": amount,
                "made_on": self.today,
                "deadline": due + timedelta(days=grace),
                "status": "open",
            }

    @rule(data=st.data())
    def process_day(self, data: st.DataObject) -> None:
        number, account = self.pick_account(data)
        self.run(ProcessDay(account=number, day=self.today), MANAGER, expect_ok=True)
        account.review_promise(self.today)

    @precondition(lambda self: bool(self.recorded))
    @rule(data=st.data(), tamper=st.booleans())
    def resend_recorded_command(self, data: st.DataObject, tamper: bool) -> None:
        """A command id seen before replays its result; reused for other content, it is refused."""
        command, actor = data.draw(st.sampled_from(self.recorded), label="recorded")
        if tamper:
            command = command.model_copy(update={"effective_on": self.today + timedelta(days=1)})
        before = self.event_count()
        try:
            result = self.service.execute(command, actor)
        except LedgerError:
            assert tamper, f"resending {command!r} unchanged was refused"
        else:
            assert not tamper and result.replayed, f"{command!r} was not recognised"
        assert self.event_count() == before

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def ledger_agrees_with_itself_and_the_model(self) -> None:
        """Skipped after a step that changed nothing (a rejection, a new business day), and
        replay and hash chain are checked once per version: the same state needs no rechecking."""
        if not self.changed:
            return
        self.changed = False
        for number, model in self.model.items():
            loaded = self.service.account(number)
            check_money(loaded, self.today)
            check_against_model(loaded, model)
            if self.verified.get(number) == loaded.version:
                continue
            replayed = account_known_at(self.service.app, loaded.id, None)
            check_state_matches_replay(loaded, replayed)
            check_hash_chain(list(self.service.history(number)), loaded)
            view = self.service.account_as_of(number, self.today)
            for currency, totals in view["totals"].items():
                assert Decimal(totals["balance"]) == loaded.balance(currency)
            self.verified[number] = loaded.version


LedgerMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRandomCommandSequencesKeepTheLedgerConsistent = LedgerMachine.TestCase
