"""The disputes page's SQL (api/workspace/disputes_query.py) on SQLite, on a hand-made
portfolio seen on 1 March 2026:

ACC-1 (agent-1): D-1 100.00 quality, opened 5 Jan, owner team-claims, still open;
                 D-2 50.00 pricing, opened 10 Jan, rejected 20 Jan (long ago: not recent);
                 D-3 30.00 quality, opened 1 Feb, upheld 15 Feb (recent).
ACC-2 (agent-2): D-4 20.00 delivery, opened 20 Feb, still open;
                 D-5 10.00 quality, opened 25 Feb, still open, owner team-claims.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import pytest

from api.workspace.disputes_query import (
    DisputesQuery,
    dispute_histories,
    dispute_owners,
    dispute_page,
    parse,
    report_period,
)
from ledger.commands.accounts import AssignAgent
from ledger.commands.collections import (
    AssignDisputeOwner,
    ChangeDisputeReason,
    OpenDispute,
    ResolveDispute,
)
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER
from tests.unit.given import an_account, an_invoice

TODAY = date(2026, 3, 1)


def opened(service: LedgerService, account: str, dispute_id: str, code: str, amount: str,
           on: date, owner: str | None = None) -> None:
    service.execute(OpenDispute(account=account, dispute_id=dispute_id, invoice_id="INV-1",
                                amount=Decimal(amount), reason="", reason_code=code,
                                owner=owner, effective_on=on), AGENT)


def resolved(service: LedgerService, dispute_id: str, outcome: Literal["upheld", "rejected"],
             on: date) -> None:
    service.execute(ResolveDispute(account="ACC-1", dispute_id=dispute_id, outcome=outcome,
                                   effective_on=on), MANAGER)


@pytest.fixture
def portfolio(service: LedgerService) -> LedgerService:
    for number, agent in (("ACC-1", "agent-1"), ("ACC-2", "agent-2")):
        an_account(service, number)
        an_invoice(service, "INV-1", "1000.00", account=number)
        service.execute(AssignAgent(account=number, agent_id=agent), MANAGER)
    opened(service, "ACC-1", "D-1", "quality", "100.00", date(2026, 1, 5), "team-claims")
    opened(service, "ACC-1", "D-2", "pricing", "50.00", date(2026, 1, 10))
    resolved(service, "D-2", "rejected", date(2026, 1, 20))
    opened(service, "ACC-1", "D-3", "quality", "30.00", date(2026, 2, 1))
    resolved(service, "D-3", "upheld", date(2026, 2, 15))
    opened(service, "ACC-2", "D-4", "delivery", "20.00", date(2026, 2, 20))
    opened(service, "ACC-2", "D-5", "quality", "10.00", date(2026, 2, 25), "team-claims")
    service.read_models.catch_up()
    return service


def shown(service: LedgerService, per_page: int = 50, **asked: object) -> list[str]:
    models = service.read_models
    query = DisputesQuery.model_validate(asked)
    page = models.read(lambda s: dispute_page(s, models.tables("open_items"), query, TODAY,
                                              per_page))
    return [row.dispute_id for row in page.rows]


def test_open_disputes_are_listed_oldest_first_with_their_account_and_amount(
    portfolio: LedgerService
) -> None:
    models = portfolio.read_models
    page = models.read(lambda s: dispute_page(s, models.tables("open_items"),
                                              DisputesQuery(), TODAY))

    assert [r.dispute_id for r in page.rows] == ["D-1", "D-4", "D-5"]
    first = page.rows[0]
    assert (first.account, first.name, first.agent, first.invoice_id, first.amount,
            first.currency, first.reason_code, first.owner, first.age_days(TODAY)) == (
        "ACC-1", "Debtor ACC-1", "agent-1", "INV-1", Decimal("100.00"), "USD", "quality",
        "team-claims", 55)
    assert (page.total, page.page, page.pages) == (3, 1, 1)


def test_resolved_means_resolved_in_the_last_thirty_days(portfolio: LedgerService) -> None:
    assert shown(portfolio, status="resolved") == ["D-3"]
    assert shown(portfolio, status="all") == ["D-1", "D-3", "D-4", "D-5"]
    models = portfolio.read_models
    [d3] = models.read(lambda s: dispute_page(
        s, models.tables("open_items"), DisputesQuery(status="resolved"), TODAY)).rows
    assert (d3.outcome, d3.resolved_on, d3.credited, d3.age_days(TODAY)) == (
        "upheld", date(2026, 2, 15), Decimal("30.00"), 14)


def test_filters_by_account_reason_owner_agent_and_age(portfolio: LedgerService) -> None:
    assert shown(portfolio, status="all", reason="quality") == ["D-1", "D-3", "D-5"]
    assert shown(portfolio, owner="team-claims") == ["D-1", "D-5"]
    assert shown(portfolio, status="all", agent="agent-1") == ["D-1", "D-3"]
    assert shown(portfolio, status="all", account="ACC-2") == ["D-4", "D-5"]
    assert shown(portfolio, min_age=5) == ["D-1", "D-4"]  # D-5 opened 4 days ago
    assert shown(portfolio, min_age=10) == ["D-1"]
    assert shown(portfolio, reason="tax") == []


def test_pages_split_the_list_and_a_page_past_the_end_shows_the_last(
    portfolio: LedgerService
) -> None:
    assert shown(portfolio, 2, status="all") == ["D-1", "D-3"]
    assert shown(portfolio, 2, status="all", page=2) == ["D-4", "D-5"]
    assert shown(portfolio, 3, status="all", page=9) == ["D-5"]
    models = portfolio.read_models
    page = models.read(lambda s: dispute_page(
        s, models.tables("open_items"), DisputesQuery(status="all", page=2), TODAY, 3))
    assert (page.total, page.page, page.pages, page.first) == (4, 2, 2, 51)


def test_a_disputes_history_says_each_change_from_what_to_what_by_whom_and_why(
    portfolio: LedgerService
) -> None:
    portfolio.execute(ChangeDisputeReason(account="ACC-1", dispute_id="D-1",
                                          reason_code="delivery",
                                          reason="carrier damaged the pallets"), MANAGER)
    portfolio.execute(AssignDisputeOwner(account="ACC-1", dispute_id="D-1",
                                         owner="team-logistics", reason="carrier claim"),
                      MANAGER)
    models = portfolio.read_models
    models.catch_up()
    rows = models.read(lambda s: dispute_page(s, models.tables("open_items"),
                                              DisputesQuery(agent="agent-1"), TODAY)).rows

    histories = models.read(lambda s: dispute_histories(s, models.tables("history"), rows))

    assert [(step.kind, step.detail, step.actor_id) for step in histories[("ACC-1", "D-1")]] == [
        ("DisputeOpened", {"reason_code": "quality", "owner": "team-claims"}, "agent-1"),
        ("DisputeReasonChanged",
         {"from": "quality", "to": "delivery", "why": "carrier damaged the pallets"},
         "manager-1"),
        ("DisputeOwnerAssigned",
         {"from": "team-claims", "to": "team-logistics", "why": "carrier claim"}, "manager-1"),
    ]
    assert (rows[0].reason_code, rows[0].owner) == ("delivery", "team-logistics")
    assert models.read(lambda s: dispute_owners(s, models.tables("open_items"))) == [
        "team-claims", "team-logistics"]


def test_the_form_treats_empty_fields_as_unfiltered_and_names_a_wrong_one() -> None:
    query, errors = parse({"status": "", "reason": "", "owner": "", "min_age": "", "page": ""})
    assert (query, errors) == (DisputesQuery(), [])
    query, errors = parse({"reason": "Not A Code", "min_age": "-1"})
    assert query == DisputesQuery()
    assert [e.split(":")[0] for e in errors] == ["Reason", "Opened at least (days ago)"]
    assert DisputesQuery(reason="tax", page=3).params(page=4) == {
        "status": "open", "reason": "tax", "page": "4"}


def test_the_report_period_defaults_to_this_month_and_the_two_before() -> None:
    assert report_period(DisputesQuery(), date(2026, 1, 15)) == (
        date(2025, 11, 1), date(2026, 1, 15), [])
    assert report_period(DisputesQuery(), date(2026, 3, 31)) == (
        date(2026, 1, 1), date(2026, 3, 31), [])
    start, end, errors = report_period(
        DisputesQuery(report_from=date(2026, 3, 1), report_to=date(2026, 2, 1)), TODAY)
    assert (start, end) == (date(2026, 1, 1), TODAY) and "cannot end" in errors[0]
