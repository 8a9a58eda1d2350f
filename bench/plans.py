"""What PostgreSQL does with the aging query: its plans, and whether it had statistics.

`aging_plans` runs ``ReadModels.aging`` once while listening on the engine for the SQL
it sends, then runs each of those statements again under ``EXPLAIN (ANALYZE, BUFFERS)``
with the same parameters, and writes the plans to ``var/bench/plans/``.
`statistics_state` says, for each read-model table, whether it was ever analysed
(``pg_class.reltuples`` is -1 until then) and when, by hand or by autovacuum.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from ledger.projections.read_models import ReadModels

PLANS = Path("var") / "bench" / "plans"
AGING_TABLES = ("rm_invoice_movements", "rm_invoices", "rm_accounts", "rm_disputes",
                "rm_credit_movements")


def aging_statements(models: ReadModels, as_of: date, known_at: datetime | None, by: str
                     ) -> tuple[list[tuple[str, Any]], float]:
    """The read-model queries one aging call sends, with their parameters; its seconds."""
    engine = models.app.datastore.engine
    sent: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "rm_" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        started = time.perf_counter()
        models.aging(as_of, known_at, by)
        seconds = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return sent, seconds


def aging_plans(models: ReadModels, as_of: date, known_at: datetime | None, by: str,
                label: str) -> tuple[Path, float]:
    """Plans of every statement one aging call sends; the file, and the call's seconds."""
    engine = models.app.datastore.engine
    sent, seconds = aging_statements(models, as_of, known_at, by)
    parts = [f"-- aging by {by} as of {as_of}, known_at {known_at}: {seconds * 1000:,.0f} ms\n"]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in sent:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            parts.append(f"{cursor.mogrify(statement, parameters).decode()}\n\n{plan}\n")
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    PLANS.mkdir(parents=True, exist_ok=True)
    path = PLANS / f"{label}.txt"
    path.write_text("\n\n".join(parts))
    return path, seconds


def statistics_state(connection: Any) -> list[dict[str, Any]]:
    rows = connection.execute(text(
        "SELECT c.relname, c.reltuples, s.n_live_tup, s.n_mod_since_analyze, s.last_analyze, "
        "s.last_autoanalyze "
        "FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
        "WHERE c.relname = ANY(:names) ORDER BY c.relname"), {"names": list(AGING_TABLES)})
    return [dict(row._mapping) for row in rows]


def without_statistics(state: list[dict[str, Any]]) -> list[str]:
    """Tables the planner knows wrongly: never analysed, or analysed when they held
    less than half their rows (autovacuum caught them part-filled)."""
    found = []
    for row in state:
        if row["reltuples"] < 0 or (row["last_analyze"] is None
                                    and row["last_autoanalyze"] is None):
            found.append(f"{row['relname']} (never analysed)")
        elif row["reltuples"] < row["n_live_tup"] / 2:
            found.append(f"{row['relname']} (analysed at {row['reltuples']:,.0f} of "
                         f"{row['n_live_tup']:,} rows)")
    return found


def analyse(connection: Any) -> None:
    connection.execute(text("ANALYZE"))
