"""KPI formulas on a small portfolio whose every figure is computed by hand below.

Period P is March 2026 (N = 31). Recorded times follow business dates, except a
write-off and a recovery recorded late (2 and 3 April), backdated into March.

USD
  A1 (agent-1): INV-1 2000.00 issued 1 Feb due 3 Mar; INV-2 3000.00 issued 5 Mar due 4 Apr,
      debit note +200.00 on 15 Mar; P1 1500.00 on 10 Mar to INV-1 (INV-1 left 500.00);
      promise PR-1 1000.00 made 2 Mar by agent-1, kept on 10 Mar.
  A2 (agent-2, segment key): INV-3 1000.00 issued 10 Jan due 9 Feb, dispute D1 20 Feb → 1 Mar
      rejected (9 days), write-off 300.00 on 20 Mar, recovery 100.00 on 25 Mar;
      INV-4 600.00 issued 12 Mar due 11 Apr, dispute D2 14 → 18 Mar upheld (4 days, credit
      note −100.00); promise PR-2 500.00 made 1 Mar by agent-2, broken on 6 Mar;
      P2 50.00 on 22 Mar reversed on 23 Mar.
  Per invoice at 31 Mar: INV-1 500, INV-2 3200, INV-3 700, INV-4 500 → 4900.00.
EUR
  E1 (agent-1): INV-E0 400.00 issued 15 Jan due 14 Feb, paid 25 Mar; INV-E1 800.00 issued
      20 Mar due 19 Apr.
GBP (no sales in P)
  G1 (unassigned): INV-G1 500.00 issued 10 Feb due 30 Jun.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Table

from ledger.commands.accounts import AssignAgent, OpenAccount
from ledger.commands.base import Actor, Command
from ledger.commands.collections import (
    MakePromise,
    OpenDispute,
    ProcessDay,
    RecordContact,
    RecordRecovery,
    ResolveDispute,
    WriteOff,
)
from ledger.commands.receivables import (
    AdjustInvoice,
    AllocationLine,
    IssueInvoice,
    RecordPayment,
    ReversePayment,
)
from ledger.projections.activity import ActivityProjection
from ledger.projections.agent_performance import AgentPerformance, agent_performance
from ledger.projections.count_back_dso import count_back_dso, months_back
from ledger.projections.kpis import KpiReport, kpis, median
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.projection import Tables
from ledger.projections.runner import ProjectionRunner
from ledger.projections.worklist import build_worklist
from ledger.projections.worklist_table import worklist_items
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SteppingClock, make_service

AGENT_2 = Actor("agent-2", "agent")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
USD, EUR = "USD", "EUR"


@dataclass
class Portfolio:
    session: Any
    open_items: Tables
    activity: Tables
    worklists: Table

    def kpis(self, start: date, end: date, **filters: Any) -> dict[str, KpiReport]:
        reports = kpis(self.session, self.open_items, self.activity, start, end, **filters)
        return {r.currency: r for r in reports}

    def agents(self, **filters: Any) -> list[AgentPerformance]:
        return agent_performance(self.session, self.open_items, self.activity, *MARCH, **filters)


def _run(service: LedgerService, clock: SteppingClock, day: date, cmd: Command,
         actor: Actor = MANAGER) -> None:
    clock.set_day(day)
    service.execute(cmd, actor)


def _build(service: LedgerService, clock: SteppingClock) -> None:
    def run(day: tuple[int, int], cmd: Command, actor: Actor = MANAGER) -> None:
        _run(service, clock, date(2026, *day), cmd, actor)

    def invoice(account: str, invoice_id: str, amount: str, currency: str,
                issued: tuple[int, int], due: date | None = None) -> None:
        run(issued, IssueInvoice(account=account, invoice_id=invoice_id, amount=Decimal(amount),
                                 currency=currency, issue_date=date(2026, *issued), due_date=due))

    def contact(account: str, contact_id: str, day: tuple[int, int], actor: Actor) -> None:
        run(day, RecordContact(account=account, contact_id=contact_id, channel="email",
                               outcome="sent", at=datetime(2026, *day, 10, tzinfo=UTC)), actor)

    for number, currency, agent, segment in (
        ("A1", USD, "agent-1", "standard"), ("A2", USD, "agent-2", "key"),
        ("E1", EUR, "agent-1", "standard"), ("G1", "GBP", None, "standard"),
    ):
        run((1, 1), OpenAccount(account=number, name=f"Debtor {number}", currency=currency,
                                segment=segment, effective_on=date(2026, 1, 1)))
        if agent:
            run((1, 1), AssignAgent(account=number, agent_id=agent, effective_on=date(2026, 1, 1)))
    invoice("A2", "INV-3", "1000.00", USD, (1, 10))
    invoice("E1", "INV-E0", "400.00", EUR, (1, 15))
    invoice("A1", "INV-1", "2000.00", USD, (2, 1))
    contact("A1", "C-0", (2, 5), AGENT)
    invoice("G1", "INV-G1", "500.00", "GBP", (2, 10), due=date(2026, 6, 30))
    run((2, 20), OpenDispute(account="A2", dispute_id="D1", invoice_id="INV-3",
                             amount=Decimal("400.00"), reason="price",
                             effective_on=date(2026, 2, 20)))
    run((3, 1), ResolveDispute(account="A2", dispute_id="D1", outcome="rejected",
                               effective_on=date(2026, 3, 1)))
    run((3, 1), MakePromise(account="A2", promise_id="PR-2", amount=Decimal("500.00"),
                            currency=USD, due_date=date(2026, 3, 5),
                            effective_on=date(2026, 3, 1)), AGENT_2)
    run((3, 2), MakePromise(account="A1", promise_id="PR-1", amount=Decimal("1000.00"),
                            currency=USD, due_date=date(2026, 3, 12),
                            effective_on=date(2026, 3, 2)), AGENT)
    contact("A1", "C-1", (3, 3), AGENT)
    invoice("A1", "INV-2", "3000.00", USD, (3, 5))
    run((3, 6), ProcessDay(account="A2", day=date(2026, 3, 6)))
    run((3, 10), RecordPayment(account="A1", payment_id="P1", amount=Decimal("1500.00"),
                               currency=USD, received_on=date(2026, 3, 10),
                               allocations=(AllocationLine(invoice_id="INV-1",
                                                           amount=Decimal("1500.00")),)))
    invoice("A2", "INV-4", "600.00", USD, (3, 12))
    run((3, 14), OpenDispute(account="A2", dispute_id="D2", invoice_id="INV-4",
                             amount=Decimal("100.00"), reason="damaged",
                             effective_on=date(2026, 3, 14)))
    run((3, 15), AdjustInvoice(account="A1", invoice_id="INV-2", note_id="DN-1", kind="debit",
                               amount=Decimal("200.00"), effective_on=date(2026, 3, 15)))
    run((3, 18), ResolveDispute(account="A2", dispute_id="D2", outcome="upheld",
                                effective_on=date(2026, 3, 18)))
    contact("A1", "C-2", (3, 19), AGENT)
    invoice("E1", "INV-E1", "800.00", EUR, (3, 20))
    run((3, 22), RecordPayment(account="A2", payment_id="P2", amount=Decimal("50.00"),
                               currency=USD, received_on=date(2026, 3, 22)))
    run((3, 23), ReversePayment(account="A2", payment_id="P2", reason="bounced",
                                effective_on=date(2026, 3, 23)))
    run((3, 25), RecordPayment(account="E1", payment_id="PE", amount=Decimal("400.00"),
                               currency=EUR, received_on=date(2026, 3, 25)))
    contact("A2", "C-3", (3, 26), AGENT_2)
    run((4, 2), WriteOff(account="A2", invoice_id="INV-3", amount=Decimal("300.00"),
                         reason="small balance", effective_on=date(2026, 3, 20)))
    run((4, 3), RecordRecovery(account="A2", recovery_id="R1", invoice_id="INV-3",
                               amount=Decimal("100.00"), received_on=date(2026, 3, 25)))


@pytest.fixture(scope="module")
def portfolio() -> Iterator[Portfolio]:
    service, clock = make_service()
    _build(service, clock)
    runner = ProjectionRunner(service.app, [OpenItemsProjection(), ActivityProjection()])
    runner.catch_up()
    worklists = worklist_items
    with service.app.datastore.transaction(commit=False) as session:
        open_items, activity = runner.live["open_items"], runner.live["activity"]
        for agent_id, day in (("agent-1", 19), ("agent-1", 20), ("agent-2", 26)):
            build_worklist(session, open_items, activity, worklists, agent_id, date(2026, 3, day))
        yield Portfolio(session, open_items, activity, worklists)


def test_portfolio_ar_and_credit_sales_per_currency(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert usd.days == 31
    assert usd.beginning_ar == Decimal("3000.00")  # INV-1 2000 + INV-3 1000 at end of 28 Feb
    assert usd.credit_sales == Decimal("3700.00")  # 3000 + 200 (debit) + 600 − 100 (credit)
    assert usd.ending_ar == Decimal("4900.00")  # 3000 + 3700 − 1500 paid − 300 written off
    assert usd.ending_current_ar == Decimal("3700.00")  # INV-2 3200 + INV-4 500 not yet due


def test_dso_best_possible_dso_and_days_delinquent(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert usd.dso == Decimal("41.05")  # 4900 / 3700 × 31 = 41.0540…
    assert usd.best_possible_dso == Decimal("31.00")  # 3700 / 3700 × 31
    assert usd.average_days_delinquent == Decimal("10.05")  # 41.05 − 31.00


def test_count_back_dso_walks_back_through_earlier_months(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    # March sales 3700 < 4900: 31 days, 1200 left; February sales 2000: 1200/2000 × 28 = 16.8
    assert usd.count_back_dso == Decimal("47.80")


def test_collection_effectiveness_index(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert usd.cei == Decimal("60.00")  # (3000 + 3700 − 4900) / (3000 + 3700 − 3700) × 100


def test_promises_kept_and_broken_in_the_period(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert (usd.promises_kept, usd.promises_broken) == (1, 1)  # PR-1 kept, PR-2 broken
    assert usd.promise_kept_percent == Decimal("50.00")  # 1 / (1 + 1) × 100


def test_dispute_cycle_time_is_the_median_of_an_even_count(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert usd.disputes_resolved == 2
    assert usd.dispute_cycle_days == Decimal("6.50")  # D1 9 days, D2 4 days: (4 + 9) / 2


def test_write_off_ratio_and_net_write_offs_after_a_recovery(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(*MARCH)[USD]
    assert usd.written_off == Decimal("300.00")
    assert usd.recovered == Decimal("100.00")
    assert usd.net_written_off == Decimal("200.00")  # 300 − 100
    assert usd.write_off_percent == Decimal("8.11")  # 300 / 3700 × 100 = 8.108…


def test_currencies_are_reported_apart_never_converted(portfolio: Portfolio) -> None:
    reports = portfolio.kpis(*MARCH)
    assert sorted(reports) == ["EUR", "GBP", "USD"]
    eur = reports[EUR]
    assert (eur.beginning_ar, eur.credit_sales) == (Decimal("400.00"), Decimal("800.00"))
    assert eur.ending_ar == Decimal("800.00")  # 400 + 800 − 400 paid
    assert eur.dso == Decimal("31.00")  # 800 / 800 × 31
    assert eur.average_days_delinquent == Decimal("0.00")  # 31.00 − 31.00
    assert eur.cei == Decimal("100.00")  # (400 + 800 − 800) / (400 + 800 − 800) × 100
    assert eur.count_back_dso == Decimal("31.00")  # 800 ≤ March sales 800: 800/800 × 31
    assert eur.write_off_percent == Decimal("0.00")  # 0 / 800
    assert eur.promise_kept_percent is None  # no promise resolved: 0 / 0
    assert eur.dispute_cycle_days is None


def test_period_without_sales_has_no_dso_cei_or_write_off_ratio(portfolio: Portfolio) -> None:
    gbp = portfolio.kpis(*MARCH)["GBP"]
    assert gbp.credit_sales == Decimal("0.00")
    assert (gbp.beginning_ar, gbp.ending_ar) == (Decimal("500.00"), Decimal("500.00"))
    assert gbp.dso is None  # 500 / 0
    assert gbp.best_possible_dso is None  # 500 / 0
    assert gbp.average_days_delinquent is None
    assert gbp.cei is None  # (500 + 0 − 500) / (500 + 0 − 500 current)
    assert gbp.write_off_percent is None  # 0 / 0
    assert gbp.count_back_dso == Decimal("59.00")  # March 0 sales: 31 days; Feb 500/500 × 28


def test_cei_is_a_number_when_only_sales_are_missing(portfolio: Portfolio) -> None:
    usd = portfolio.kpis(date(2026, 4, 1), date(2026, 4, 30))[USD]
    assert usd.credit_sales == Decimal("0.00") and usd.dso is None
    assert usd.ending_current_ar == Decimal("0.00")  # INV-2 due 4 Apr, INV-4 due 11 Apr
    assert usd.cei == Decimal("0.00")  # (4900 + 0 − 4900) / (4900 + 0 − 0) × 100


def test_agent_filter_keeps_the_accounts_currently_assigned(portfolio: Portfolio) -> None:
    reports = portfolio.kpis(*MARCH, agent="agent-1")
    assert sorted(reports) == ["EUR", "USD"]
    usd = reports[USD]  # A1 only
    assert usd.beginning_ar == Decimal("2000.00")  # INV-1
    assert usd.credit_sales == Decimal("3200.00")  # 3000 + 200
    assert usd.ending_ar == Decimal("3700.00")  # INV-1 500 + INV-2 3200
    assert usd.dso == Decimal("35.84")  # 3700 / 3200 × 31 = 35.84375
    assert usd.average_days_delinquent == Decimal("4.84")  # 35.84 − 31.00
    assert usd.cei == Decimal("75.00")  # (2000 + 3200 − 3700) / (2000 + 3200 − 3200) × 100
    assert usd.count_back_dso == Decimal("38.00")  # 31 days, 500 left; 500 / 2000 × 28 = 7
    assert usd.promise_kept_percent == Decimal("100.00")  # PR-1 kept: 1 / 1
    assert usd.disputes_resolved == 0 and usd.written_off == Decimal("0.00")


def test_segment_filter(portfolio: Portfolio) -> None:
    reports = portfolio.kpis(*MARCH, segment="key")
    assert sorted(reports) == ["USD"]
    usd = reports[USD]  # A2 only: beginning 1000, sales 600 − 100, ending 700 + 500
    assert usd.dso == Decimal("74.40")  # 1200 / 500 × 31
    assert usd.cei == Decimal("30.00")  # (1000 + 500 − 1200) / (1000 + 500 − 500) × 100
    assert usd.write_off_percent == Decimal("60.00")  # 300 / 500 × 100
    # 1200 − March 500: 31 days, 700 left; February no sales: 28 days; January 700/1000 × 31
    assert usd.count_back_dso == Decimal("80.70")


def test_known_at_leaves_out_a_backdated_write_off_recorded_later(portfolio: Portfolio) -> None:
    before = datetime(2026, 4, 1, 23, 59, tzinfo=UTC)
    usd = portfolio.kpis(*MARCH, known_at=before)[USD]
    assert usd.written_off == Decimal("0.00") and usd.recovered == Decimal("0.00")
    assert usd.ending_ar == Decimal("5200.00")  # 4900 + the 300 not yet written off
    assert usd.dso == Decimal("43.57")  # 5200 / 3700 × 31 = 43.567…


def test_agent_performance_credits_cash_promises_and_contacts(portfolio: Portfolio) -> None:
    assert portfolio.agents() == [
        # P1 1500 USD on A1, PE 400 EUR on E1; PR-1; contacts C-1 and C-2 (C-0 is in Feb)
        AgentPerformance("agent-1", collected={USD: Decimal("1500.00"), EUR: Decimal("400.00")},
                         promises_obtained=1, contacts_made=2),
        # P2 was reversed: nothing collected; R1 recovered 100; PR-2; contact C-3
        AgentPerformance("agent-2", collected={}, recovered={USD: Decimal("100.00")},
                         promises_obtained=1, contacts_made=1),
    ]


def test_agent_performance_for_one_agent(portfolio: Portfolio) -> None:
    assert portfolio.agents(agent="agent-2") == [
        AgentPerformance("agent-2", recovered={USD: Decimal("100.00")},
                         promises_obtained=1, contacts_made=1),
    ]
    assert portfolio.agents(agent="nobody") == [AgentPerformance("nobody")]


def test_agent_performance_counts_worklist_items_cleared(portfolio: Portfolio) -> None:
    # agent-1's worklists of 19 and 20 Mar hold A1 and E1; only A1 on 19 Mar was
    # contacted (C-2). agent-2's of 26 Mar holds A2, contacted that day (C-3).
    cleared = {p.agent_id: p.worklist_items_cleared
               for p in portfolio.agents(worklist_table=portfolio.worklists)}
    assert cleared == {"agent-1": 1, "agent-2": 1}
    assert portfolio.agents()[0].worklist_items_cleared is None  # no worklists asked for


def test_a_period_that_ends_before_it_starts_is_refused(portfolio: Portfolio) -> None:
    with pytest.raises(ValueError):
        portfolio.kpis(date(2026, 3, 31), date(2026, 3, 1))


def test_count_back_windows_follow_month_ends_and_mid_month_ends() -> None:
    windows = months_back(date(2026, 3, 31))
    assert [next(windows) for _ in range(2)] == [
        (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    windows = months_back(date(2026, 3, 15))
    assert next(windows) == (date(2026, 2, 16), date(2026, 3, 15))


def test_count_back_dso_of_nothing_owed_is_zero_days() -> None:
    assert count_back_dso(0, {}, date(2026, 3, 31)) == Decimal("0.00")
    assert count_back_dso(100, {}, date(2026, 3, 31)) is None  # AR with no sales behind it


def test_median_of_odd_and_even_counts() -> None:
    assert median([9, 1, 4]) == Decimal("4.00")
    assert median([1, 4]) == Decimal("2.50")
    assert median([]) is None
