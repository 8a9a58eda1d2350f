"""A rebuild leaves its swapped-in tables analysed: the planner has statistics for them at
once rather than whenever autovacuum gets round to it (docs/read-models.md, *Rebuild*)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from infra.bootstrap import Ledger
from ledger.projections.registry import all_projections
from tests.builders import make_ledger
from tests.unit.given import an_account, an_invoice

pytestmark = pytest.mark.postgres

STATISTICS = text(
    "SELECT c.relname, c.reltuples, s.last_analyze, s.last_autoanalyze, s.n_live_tup "
    "FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
    "WHERE c.relname = ANY(:names)"
)


def test_every_table_a_rebuild_swaps_in_has_planner_statistics(
    postgres_database_url: str,
) -> None:
    ledger, _ = make_ledger(postgres_database_url)
    for n in range(1, 4):
        an_account(ledger.service, f"ACC-{n}")
        an_invoice(ledger.service, f"INV-{n}", account=f"ACC-{n}")
    names = [table.name for projection in all_projections()
             for table in projection.live().values()]

    ledger.read_models.rebuild()

    with ledger.service.app.datastore.transaction(commit=False) as session:
        found = {r.relname: r for r in session.execute(STATISTICS, {"names": names})}
        counted = {name: session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                   for name in names}
    assert set(found) == set(names)
    never_analysed = [name for name, r in found.items() if r.reltuples < 0]
    assert never_analysed == []
    assert [name for name, rows in counted.items() if rows and found[name].reltuples <= 0] == []
    assert counted["rm_invoices"] == 3 and found["rm_invoices"].reltuples == 3
    assert analysed_by_now(ledger, names) == set(names)


def analysed_by_now(ledger: Ledger, names: list[str], within: float = 10.0) -> set[str]:
    """The tables ``pg_stat_user_tables`` says were analysed (its figures are reported a
    moment after the fact, so ask until they are all there or ``within`` runs out)."""
    deadline = time.monotonic() + within
    while True:
        with ledger.service.app.datastore.transaction(commit=False) as session:
            session.execute(text("SELECT pg_stat_clear_snapshot()"))
            rows = session.execute(STATISTICS, {"names": names}).all()
        done = {r.relname for r in rows if r.last_analyze or r.last_autoanalyze}
        if done == set(names) or time.monotonic() > deadline:
            return done
        time.sleep(0.2)
