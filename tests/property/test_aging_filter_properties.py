"""Aging narrowed to an account, an agent, a segment or a currency is the whole aging
restricted to them, and aging by account walked page by page is the unpaged answer.

The random histories of `test_projection_rebuild_properties` (two USD accounts with USD
and JPY invoices, payments, notes, disputes...), then one account assigned to agent-1
and a third account, of another segment and agent-2's, owing in USD and JPY. As of
random dates and as known at random times, for random filters (each of account, agent,
segment and currency given or not; the account perhaps one that does not exist):

- by account, the filtered rows are the unfiltered rows of the matching accounts;
- by currency and by portfolio, each row is the sum of those rows of its currency;
- walked a page at a time, any page size, the filtered rows are the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger.commands.accounts import AssignAgent, OpenAccount
from ledger.commands.receivables import IssueInvoice
from ledger.projections.aging import AgingRow, aging
from ledger.projections.aging_pages import aging_page
from tests.builders import MANAGER
from tests.property.test_projection_rebuild_properties import (
    EDGES,
    HISTORY,
    SETTINGS,
    START,
    Ledger,
    play,
)

ACCOUNTS = {"ACC-A": ("agent-1", "standard"), "ACC-B": (None, "standard"),
            "ACC-C": ("agent-2", "enterprise")}
"""Each account's agent and segment, once `third_account` has run."""

FILTER = st.fixed_dictionaries({}, optional={
    "account": st.sampled_from([*ACCOUNTS, "ACC-NONE"]),
    "agent": st.sampled_from(["agent-1", "agent-2", "agent-9"]),
    "segment": st.sampled_from(["standard", "enterprise"]),
    "currency": st.sampled_from(["USD", "JPY", "EUR"]),
})
MOMENTS = st.lists(st.tuples(st.integers(-5, 130), st.none() | st.integers(0, 60)),
                   min_size=1, max_size=3)


def third_account(ledger: Ledger) -> None:
    """agent-1 works ACC-A; ACC-C, enterprise and agent-2's, owes in USD and JPY (each
    command must be accepted: ``execute`` raises what ``Ledger.run`` would skip)."""
    day, run = ledger.today, ledger.service.execute
    run(AssignAgent(account="ACC-A", agent_id="agent-1"), MANAGER)
    run(OpenAccount(account="ACC-C", name="Debtor C", currency="USD", segment="enterprise",
                    effective_on=START - timedelta(days=30)), MANAGER)
    for invoice_id, currency, amount in (("C-1", "USD", "700.25"), ("C-2", "JPY", "9000")):
        run(IssueInvoice(account="ACC-C", invoice_id=invoice_id, currency=currency,
                         amount=Decimal(amount), issue_date=day - timedelta(days=40),
                         due_date=day - timedelta(days=10)), MANAGER)
    run(AssignAgent(account="ACC-C", agent_id="agent-2"), MANAGER)
    ledger.runner.catch_up()


def matches(number: str, chosen: dict[str, str]) -> bool:
    agent, segment = ACCOUNTS[number]
    return (chosen.get("account", number) == number and chosen.get("agent", agent) == agent
            and chosen.get("segment", segment) == segment)


def summed(rows: list[AgingRow], key: str) -> dict[tuple[str, str], AgingRow]:
    """The rows of each currency added up into one row keyed ``key``."""
    sums: dict[tuple[str, str], AgingRow] = {}
    for row in rows:
        found = sums.get((key, row.currency))
        if found is None:
            sums[(key, row.currency)] = AgingRow(key, row.currency, dict(row.buckets),
                                                 row.disputed, row.unapplied_credit, row.total,
                                                 row.invoices)
            continue
        for label, amount in row.buckets.items():
            found.buckets[label] += amount
        found.disputed += row.disputed
        found.unapplied_credit += row.unapplied_credit
        found.total += row.total
        found.invoices += row.invoices
    return sums


def walked(session: Any, ledger: Ledger, limit: int, **query: Any) -> list[AgingRow]:
    rows: list[AgingRow] = []
    after = None
    while True:
        page = aging_page(session, ledger.runner.live["open_items"], **query, after=after,
                          limit=limit)
        rows.extend(page.rows)
        if page.next_cursor is None:
            return rows
        after = page.next_cursor


@SETTINGS
@given(HISTORY, MOMENTS, st.lists(FILTER, min_size=1, max_size=4), st.integers(1, 4))
def test_filtered_aging_is_the_whole_aging_restricted_to_the_filter(
    steps: list[tuple[Any, ...]], moments: list[tuple[int, int | None]],
    filters: list[dict[str, str]], limit: int,
) -> None:
    ledger = play(steps)
    third_account(ledger)
    tables = ledger.runner.live["open_items"]
    for days, known_day in moments:
        as_of = START + timedelta(days=days)
        known_at = (None if known_day is None else
                    datetime.combine(START + timedelta(days=known_day), time(10), tzinfo=UTC))
        with ledger.service.app.datastore.transaction(commit=False) as session:
            everything = aging(session, tables, as_of, known_at, "account", EDGES)
            for chosen in filters:
                currency = chosen.get("currency")
                accounts = {k: v for k, v in chosen.items() if k != "currency"}
                expected = [r for r in everything if matches(r.key, chosen)
                            and currency in (None, r.currency)]
                query = {"as_of": as_of, "known_at": known_at, "edges": EDGES,
                         "currency": currency, **accounts}
                assert aging(session, tables, by="account", **query) == expected, chosen
                for by, key in (("currency", "all"), ("portfolio", "portfolio")):
                    found = aging(session, tables, by=by, **query)
                    assert {(r.key, r.currency): r for r in found} == summed(expected, key)
                assert walked(session, ledger, limit, **query) == expected, (chosen, limit)
