"""What is owed, read from the items' running totals, is what summing movements gives.

`outstanding.invoices_owing` and `outstanding.unapplied_credit` take an invoice's or a
payment's running total when all its movements count, skip it when none does, and sum the
movements of the rest; `invoices_owing_by_movements` and `unapplied_credit_by_movements`
sum every movement, as the read side did before the totals. On random portfolios
(`test_projection_rebuild_properties`: back-dated invoices and payments, notes, disputes,
reversals, write-offs, a follower taking batches of three now and then), as of random
dates and as known at random recorded times, both give exactly the same rows, on SQLite
and on PostgreSQL; and each item's total and span are its movements' sum and span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.projections import outstanding
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.projection import Tables
from tests.property.test_projection_rebuild_properties import HISTORY, START, Ledger, play

MOMENTS = st.lists(st.tuples(st.integers(-40, 160), st.none() | st.integers(-3, 90)),
                   min_size=1, max_size=6)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    """A store's URL, and how many portfolios it can afford to try."""
    if request.param == "sqlite":
        yield "sqlite:///:memory:", 25
    else:
        yield request.getfixturevalue("postgres_database_factory")(), 6


def rows(session: Any, owed: Any) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(row) for row in session.execute(select(owed)))


def owing(session: Any, t: Tables, read: Callable[..., Any], *args: Any, **kw: Any
          ) -> Counter[tuple[Any, ...]]:
    owed = read(t, *args, **kw)
    return rows(session, select(owed.c.account_id, owed.c.invoice_id, owed.c.currency,
                                owed.c.outstanding).subquery())


def spans_are_the_movements(session: Any, t: Tables) -> None:
    for items, movements, key, total in (
        (t["invoices"], t["invoice_movements"], "invoice_id", "outstanding_minor"),
        (t["payments"], t["credit_movements"], "payment_id", "unapplied_minor"),
    ):
        m = movements
        summed = {tuple(r[:2]): tuple(r[2:]) for r in session.execute(
            select(m.c.account_id, m.c[key], func.sum(m.c.amount_minor), func.min(m.c.on_date),
                   func.max(m.c.on_date), func.min(m.c.recorded_at), func.max(m.c.recorded_at))
            .group_by(m.c.account_id, m.c[key]))}
        kept = {tuple(r[:2]): tuple(r[2:]) for r in session.execute(
            select(items.c.account_id, items.c[key], items.c[total], items.c.first_on,
                   items.c.last_on, items.c.first_recorded_at, items.c.last_recorded_at))}
        assert kept == summed


def compare(ledger: Ledger, moments: list[tuple[int, int | None]]) -> None:
    t = OpenItemsProjection().live()
    with ledger.service.app.datastore.transaction(commit=False) as session:
        spans_are_the_movements(session, t)
        for days, known_days in moments:
            as_of = START + timedelta(days=days)
            known_at = (None if known_days is None else
                        datetime.combine(START + timedelta(days=known_days), time(12), UTC))
            for owing_only in (True, False):
                assert owing(session, t, outstanding.invoices_owing, as_of, known_at,
                             owing_only=owing_only) == owing(
                    session, t, outstanding.invoices_owing_by_movements, as_of, known_at,
                    owing_only=owing_only), (as_of, known_at, owing_only)
            fast = rows(session, outstanding.unapplied_credit(t, as_of, known_at))
            general = rows(session, outstanding.unapplied_credit_by_movements(t, as_of, known_at))
            assert fast == general, (as_of, known_at)


def test_running_totals_give_what_summing_movements_gives(database: tuple[str, int]) -> None:
    url, examples = database

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(steps=HISTORY, moments=MOMENTS)
    def portfolios(steps: list[tuple[Any, ...]], moments: list[tuple[int, int | None]]) -> None:
        ledger = play(steps, url)
        try:
            compare(ledger, moments)
        finally:
            ledger.service.app.datastore.engine.dispose()
            if url.startswith("postgresql"):
                _empty(url)

    portfolios()


def _empty(url: str) -> None:
    """The next example starts from an empty store: drop everything this one made."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
