"""KPIs over random small portfolios agree with aging and never divide by zero.

Each example opens a few accounts (USD and JPY: two minor units and none), then
issues random invoices, then notes, payments (some reversed), write-offs and
disputes on random business dates after them, in random order, so backdated
events are common, and reads as known at random earlier recorded times. Commands
the domain refuses are simply skipped: the property is about what was accepted.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.aggregates.errors import LedgerError
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.collections import OpenDispute, ResolveDispute, WriteOff
from ledger.commands.receivables import AdjustInvoice, IssueInvoice, RecordPayment, ReversePayment
from ledger.projections.activity import ActivityProjection
from ledger.projections.aging import aging
from ledger.projections.kpis import kpis
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.runner import ProjectionRunner
from tests.builders import MANAGER, make_service

ACCOUNTS = {"A": "USD", "B": "JPY", "C": "USD"}
PLACES = {"USD": 2, "JPY": 0}
FIRST_DAY = date(2026, 1, 1)

days = st.integers(min_value=0, max_value=100).map(lambda n: FIRST_DAY + timedelta(days=n))
amounts = st.integers(min_value=1, max_value=200_000)
KINDS = ("payment", "payment", "credit", "debit", "write_off", "reverse", "dispute")


def _money(currency: str, value: int) -> Decimal:
    return Decimal(value).scaleb(-PLACES[currency])


@st.composite
def portfolios(draw: Any) -> list[Command]:
    """Invoices first (so most later commands have something to act on), then the rest."""
    invoices: list[IssueInvoice] = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        account = draw(st.sampled_from(sorted(ACCOUNTS)))
        issued = draw(days)
        invoices.append(IssueInvoice(
            account=account, invoice_id=f"I{n}", currency=ACCOUNTS[account],
            amount=_money(ACCOUNTS[account], draw(amounts)), issue_date=issued,
            due_date=issued + timedelta(days=draw(st.integers(0, 60)))))
    others = [_follow_up(draw, draw(st.sampled_from(invoices)), n)
              for n in range(draw(st.integers(min_value=0, max_value=8)))]
    return [*invoices, *others]


def _follow_up(draw: Any, invoice: IssueInvoice, n: int) -> Command:
    kind = draw(st.sampled_from(KINDS))
    day = invoice.issue_date + timedelta(days=draw(st.integers(0, 60)))
    amount = _money(invoice.currency, draw(st.integers(1, int(invoice.amount.scaleb(
        PLACES[invoice.currency])))))
    common: dict[str, Any] = {"account": invoice.account}
    if kind == "payment":
        return RecordPayment(**common, payment_id=f"P{n}", amount=amount,
                             currency=invoice.currency, received_on=day)
    if kind == "reverse":
        return ReversePayment(**common, payment_id=f"P{draw(st.integers(0, n))}",
                              reason="bounced", effective_on=day)
    if kind in ("credit", "debit"):
        return AdjustInvoice(**common, invoice_id=invoice.invoice_id, note_id=f"N{n}",
                             kind=kind, amount=amount, effective_on=day)
    if kind == "write_off":
        return WriteOff(**common, invoice_id=invoice.invoice_id, effective_on=day,
                        amount=min(amount, Decimal(900)), reason="small")
    return OpenDispute(**common, dispute_id=f"D{n}", invoice_id=invoice.invoice_id,
                       amount=amount, reason="price", effective_on=day)


def played(service: Any, clock: Any, cmds: list[Command]) -> None:
    """The accounts opened, then the commands an hour apart (each dispute resolved three
    days after it opened), skipping what the ledger refuses."""
    for number, currency in ACCOUNTS.items():
        service.execute(OpenAccount(account=number, name=number, currency=currency,
                                    effective_on=FIRST_DAY), MANAGER)
    resolve = [ResolveDispute(account=c.account, dispute_id=c.dispute_id, outcome="upheld",
                              effective_on=c.effective_on + timedelta(days=3))
               for c in cmds if isinstance(c, OpenDispute) and c.effective_on]
    for cmd in [*cmds, *resolve]:
        clock.now += timedelta(hours=1)
        try:
            service.execute(cmd, MANAGER)
        except LedgerError:
            pass


def _portfolio(cmds: list[Command]) -> Any:
    service, clock = make_service()
    played(service, clock, cmds)
    runner = ProjectionRunner(service.app, [OpenItemsProjection(), ActivityProjection()])
    runner.catch_up()
    return service, runner, clock.now


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cmds=portfolios(), start=days, length=st.integers(min_value=1, max_value=45),
       known_back=st.one_of(st.none(), st.integers(min_value=0, max_value=14)))
def test_ending_ar_is_the_aging_total_and_cei_is_none_only_over_zero(
    cmds: list[Command], start: date, length: int, known_back: int | None,
) -> None:
    service, runner, last_recorded = _portfolio(cmds)
    end = start + timedelta(days=length - 1)
    known_at = None if known_back is None else last_recorded - timedelta(hours=known_back)
    open_items, activity = runner.live["open_items"], runner.live["activity"]
    with service.app.datastore.transaction(commit=False) as session:
        reports = kpis(session, open_items, activity, start, end, known_at=known_at)
        aged: dict[str, Decimal] = {}
        for row in aging(session, open_items, end, known_at=known_at, by="currency"):
            aged[row.currency] = aged.get(row.currency, Decimal(0)) + sum(row.buckets.values())
    for report in reports:
        assert report.ending_ar == aged.get(report.currency, Decimal(0))
        denominator = report.beginning_ar + report.credit_sales - report.ending_current_ar
        assert (report.cei is None) == (denominator == 0)
        assert (report.dso is None) == (report.credit_sales == 0)
    reported = {r.currency for r in reports}
    assert {cur for cur, total in aged.items() if total} <= reported
