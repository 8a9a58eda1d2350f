"""Read models followed bit by bit equal read models rebuilt at once, and agree with
the aggregate.

Random command histories over two accounts (USD and JPY invoices, payments paid
oldest due first, notes, disputes, reversals, write-offs, promises, contacts in
calling hours, daily ticks; business dates sometimes a few days back) are
written through the service; whatever a command's rules reject is skipped. A
runner with batches of three follows now and then, so a command's events are
often split across batches and some batches end mid-history. Then:

- every table of every projection, row for row, is what a rebuild from the log
  gives (the rebuild swaps its tables into the same place, so both snapshots read
  the same names);
- aging from the read model, as of random dates and as known at random times,
  is the aggregate's own view of each account, and its buckets sum to the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ledger.aggregates.errors import AccountNotFound, LedgerError
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.collections import (
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordContact,
    ResolveDispute,
    WriteOff,
)
from ledger.commands.receivables import AdjustInvoice, IssueInvoice, RecordPayment, ReversePayment
from ledger.projections.activity import ActivityProjection
from ledger.projections.aging import aging
from ledger.projections.history import HistoryProjection
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.projection import Projection
from ledger.projections.rebuild import rebuild
from ledger.projections.runner import ProjectionRunner
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, make_service
from tests.replayed_view import replayed_view

ACCOUNTS = ("ACC-A", "ACC-B")
PLACES = {"USD": 2, "JPY": 0}
START = date(2026, 1, 5)
EDGES = (30, 60, 90, 120)

account = st.sampled_from(ACCOUNTS)
pick = st.integers(0, 7)
amount = st.integers(1, 150_000)
INVOICE = st.tuples(st.just("invoice"), account, st.sampled_from(tuple(PLACES)), amount,
                    st.integers(0, 3), st.integers(0, 45))
PAYMENT = st.tuples(st.just("payment"), account, st.sampled_from(tuple(PLACES)), amount,
                    st.integers(0, 3))
DAYS_PASS = st.tuples(st.just("days_pass"), st.integers(1, 20))
STEP = st.one_of(
    INVOICE, INVOICE, PAYMENT, PAYMENT, DAYS_PASS,
    st.tuples(st.just("note"), account, pick, amount, st.sampled_from(("credit", "debit"))),
    st.tuples(st.just("dispute"), account, pick, amount),
    st.tuples(st.just("resolve"), account, pick, st.sampled_from(("upheld", "rejected"))),
    st.tuples(st.just("reverse"), account, pick),
    st.tuples(st.just("write_off"), account, pick, st.integers(1, 50_000)),
    st.tuples(st.just("promise"), account, amount, st.integers(1, 10)),
    st.tuples(st.just("contact"), account, st.integers(8, 20)),
    st.tuples(st.just("tick"), account),
    st.tuples(st.just("follow"), st.integers(1, 3)),
)
HISTORY = st.lists(STEP, min_size=8, max_size=30)
SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def money(currency: str, units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES[currency])


@dataclass
class Ledger:
    """A service, its follower, and the ids each account's accepted commands created."""

    service: LedgerService
    clock: Any
    runner: ProjectionRunner
    today: date = START
    made: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    count: int = 0

    def ids(self, number: str, kind: str) -> list[str]:
        return self.made.setdefault((number, kind), [])

    def chosen(self, number: str, kind: str, index: int) -> str | None:
        ids = self.ids(number, kind)
        return ids[index % len(ids)] if ids else None

    def next_id(self, kind: str) -> str:
        self.count += 1
        return f"{kind[:3].upper()}-{self.count}"

    def run(self, command: Command | None, kind: str = "", actor: Any = MANAGER) -> None:
        """Execute the command, skipping it if its rules say no; remember what it made."""
        if command is None:
            return
        try:
            self.service.execute(command, actor)
        except LedgerError:
            return
        made = {"invoice": "invoice_id", "payment": "payment_id", "dispute": "dispute_id"}
        if kind in made:
            self.ids(command.account, kind).append(getattr(command, made[kind]))


def projections() -> list[Projection]:
    return [OpenItemsProjection(), ActivityProjection(), HistoryProjection()]


def command_for(ledger: Ledger, step: tuple[Any, ...]) -> tuple[Command | None, str, Any]:
    """The command a step stands for, the kind of id it creates (if any), and who sends it."""
    kind, today = step[0], ledger.today
    new_id = ledger.next_id(kind)
    if kind == "invoice":
        _, number, currency, units, back, terms = step
        issued = today - timedelta(days=back)
        return IssueInvoice(account=number, invoice_id=new_id, currency=currency,
                            amount=money(currency, units), issue_date=issued,
                            due_date=issued + timedelta(days=terms)), "invoice", MANAGER
    if kind == "payment":
        _, number, currency, units, back = step
        return RecordPayment(account=number, payment_id=new_id, currency=currency,
                             amount=money(currency, units),
                             received_on=today - timedelta(days=back)), "payment", MANAGER
    if kind == "promise":
        _, number, units, days = step
        return MakePromise(account=number, promise_id=new_id, currency="USD",
                           amount=money("USD", units), due_date=today + timedelta(days=days),
                           effective_on=today), "", AGENT
    if kind == "contact":
        _, number, hour = step
        return RecordContact(account=number, contact_id=new_id, channel="call",
                             outcome="no_answer",
                             at=datetime.combine(today, time(hour, 15), tzinfo=UTC)), "", AGENT
    if kind == "tick":
        return ProcessDay(account=step[1], day=today, effective_on=today), "", MANAGER
    return on_earlier_item(ledger, step, new_id), kind, MANAGER


def on_earlier_item(ledger: Ledger, step: tuple[Any, ...], new_id: str) -> Command | None:
    """A command about an invoice, payment or dispute made earlier; None if there is none.
    Amounts are whole units, valid in USD and JPY alike."""
    kind, number, index, today = step[0], step[1], step[2], ledger.today
    invoice = ledger.chosen(number, "invoice", index)
    dispute = ledger.chosen(number, "dispute", index)
    payment = ledger.chosen(number, "payment", index)
    if kind == "note" and invoice:
        return AdjustInvoice(account=number, invoice_id=invoice, note_id=new_id, kind=step[4],
                             amount=Decimal(step[3] % 50 + 1), effective_on=today)
    if kind == "dispute" and invoice:
        return OpenDispute(account=number, dispute_id=new_id, invoice_id=invoice,
                           amount=Decimal(step[3] % 100 + 1), reason="quality",
                           effective_on=today)
    if kind == "write_off" and invoice:
        return WriteOff(account=number, invoice_id=invoice, amount=Decimal(step[3] % 900 + 1),
                        reason="small balance", effective_on=today)
    if kind == "resolve" and dispute:
        return ResolveDispute(account=number, dispute_id=dispute, outcome=step[3],
                              effective_on=today)
    if kind == "reverse" and payment:
        return ReversePayment(account=number, payment_id=payment, reason="bounced",
                              effective_on=today)
    return None


def play(steps: list[tuple[Any, ...]], database_url: str = "sqlite:///:memory:") -> Ledger:
    service, clock = make_service(database_url)
    clock.set_day(START)
    ledger = Ledger(service, clock, ProjectionRunner(service.app, projections(), batch_size=3))
    for number in ACCOUNTS:
        ledger.run(OpenAccount(account=number, name=f"Debtor {number}", currency="USD",
                               effective_on=START - timedelta(days=30)))
        ledger.run(IssueInvoice(account=number, invoice_id=f"{number}-SEED", currency="USD",
                                amount=Decimal("1500.00"), issue_date=START - timedelta(days=20),
                                due_date=START + timedelta(days=10)), "invoice")
    for step in steps:
        if step[0] == "days_pass":
            ledger.today += timedelta(days=step[1])
            clock.set_day(ledger.today)
        elif step[0] == "follow":
            for _ in range(step[1]):
                ledger.runner.run_once()
        else:
            command, kind, actor = command_for(ledger, step)
            ledger.run(command, kind, actor)
    ledger.runner.catch_up()
    return ledger


def snapshot(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    with ledger.service.app.datastore.transaction(commit=False) as session:
        for projection in projections():
            for logical, table in projection.live().items():
                found = [tuple(row) for row in session.execute(select(table))]
                tables[f"{projection.name}.{logical}"] = sorted(found, key=repr)
    return tables


@SETTINGS
@given(HISTORY)
def test_followed_read_models_equal_read_models_rebuilt_from_the_log(
    steps: list[tuple[Any, ...]],
) -> None:
    ledger = play(steps)
    followed = snapshot(ledger)

    rebuild(ledger.service.app, projections(), batch_size=7)

    rebuilt = snapshot(ledger)
    assert followed.keys() == rebuilt.keys()
    for name in followed:
        assert followed[name] == rebuilt[name], name
    assert len(followed["history.history"]) == ledger.service.app.recorder.max_notification_id()


def expected_bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    low = 1
    for edge in EDGES:
        if days_past_due <= edge:
            return f"{low}-{edge}"
        low = edge + 1
    return f"over {EDGES[-1]}"


def aggregate_aging(service: LedgerService, number: str, as_of: date,
                    known_at: datetime | None) -> dict[str, dict[str, Any]]:
    """Per currency, the aging a credit controller would derive from the account's events
    (the replayed view: the read-model view is made of the same rows as aging)."""
    try:
        view = replayed_view(service, number, as_of, known_at)
    except AccountNotFound:
        return {}
    expected: dict[str, dict[str, Any]] = {}
    for currency, totals in view["totals"].items():
        buckets: dict[str, Decimal] = {}
        invoices = [i for i in view["invoices"] if i["currency"] == currency]
        for invoice in invoices:
            label = expected_bucket(invoice["days_past_due"])
            buckets[label] = buckets.get(label, Decimal(0)) + Decimal(invoice["outstanding"])
        expected[currency] = {
            "total": Decimal(totals["outstanding"]),
            "disputed": Decimal(totals["disputed"]),
            "unapplied_credit": Decimal(totals["unapplied_credit"]),
            "buckets": buckets,
            "invoices": len(invoices),
        }
    return {c: e for c, e in expected.items() if e["total"] or e["unapplied_credit"]}


@SETTINGS
@given(HISTORY, st.lists(st.tuples(st.integers(-5, 130), st.none() | st.integers(0, 60)),
                         min_size=1, max_size=4))
def test_aging_from_the_read_model_is_the_aggregates_aging(
    steps: list[tuple[Any, ...]], moments: list[tuple[int, int | None]],
) -> None:
    ledger = play(steps)
    tables = ledger.runner.live["open_items"]
    for days, known_day in moments:
        as_of = START + timedelta(days=days)
        known_at = (None if known_day is None else
                    datetime.combine(START + timedelta(days=known_day), time(10), tzinfo=UTC))
        with ledger.service.app.datastore.transaction(commit=False) as session:
            rows = aging(session, tables, as_of, known_at, by="account", edges=EDGES)
        for number in ACCOUNTS:
            found = {
                row.currency: {
                    "total": row.total, "disputed": row.disputed,
                    "unapplied_credit": row.unapplied_credit,
                    "buckets": {k: v for k, v in row.buckets.items() if v},
                    "invoices": row.invoices,
                }
                for row in rows if row.key == number
            }
            assert found == aggregate_aging(ledger.service, number, as_of, known_at), (
                number, as_of, known_at,
            )
        for row in rows:
            assert sum(row.buckets.values(), Decimal(0)) == row.total
