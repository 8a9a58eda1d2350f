"""What PostgreSQL does with the portfolio reads: their plans, and whether it had statistics.

`explained` runs a read (aging, KPIs) once while listening on the engine for the SQL it
sends, then runs each of those statements again under ``EXPLAIN (ANALYZE, BUFFERS)`` with
the same parameters, and writes the plans, slowest first, to ``var/bench/plans/``.
`statistics_state` says, for each read-model table, whether it was ever analysed
(``pg_class.reltuples`` is -1 until then) and when, by hand or by autovacuum.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from ledger.projections.read_models import ReadModels

PLANS = Path("var") / "bench" / "plans"
AGING_TABLES = ("rm_invoice_movements", "rm_invoices", "rm_accounts", "rm_disputes",
                "rm_credit_movements")


def statements_of(models: ReadModels, read: Callable[[], object]
                  ) -> tuple[list[tuple[str, Any]], float]:
    """The read-model queries ``read()`` sends, with their parameters; its seconds."""
    engine = models.app.datastore.engine
    sent: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "rm_" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        started = time.perf_counter()
        read()
        seconds = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return sent, seconds


def aging_statements(models: ReadModels, as_of: date, known_at: datetime | None, by: str
                     ) -> tuple[list[tuple[str, Any]], float]:
    return statements_of(models, lambda: models.aging(as_of, known_at, by))


def aging_plans(models: ReadModels, as_of: date, known_at: datetime | None, by: str,
                label: str) -> tuple[Path, float]:
    """Plans of every statement one aging call sends; the file, and the call's seconds."""
    return explained(models, lambda: models.aging(as_of, known_at, by), label,
                     f"aging by {by} as of {as_of}, known_at {known_at}")


def kpi_plans(models: ReadModels, start: date, end: date, label: str) -> tuple[Path, float]:
    """Plans of what ``GET /kpis`` reads for a period: the KPIs and agent performance."""
    def read() -> None:
        models.kpis(start, end)
        models.agent_performance(start, end)

    return explained(models, read, label, f"kpis and agent performance {start} to {end}")


def explained(models: ReadModels, read: Callable[[], object], label: str, title: str
              ) -> tuple[Path, float]:
    """Each statement ``read()`` sends, under ``EXPLAIN (ANALYZE, BUFFERS)``, slowest
    first, into ``var/bench/plans/{label}.txt``; the file and the read's seconds."""
    sent, seconds = statements_of(models, read)
    found: list[tuple[float, str]] = []
    raw = models.app.datastore.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET LOCAL jit = off")  # as `ReadModels.read` does
        for statement, parameters in sent:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            took = float(lines[-1].split(":")[1].split()[0]) if "Execution" in lines[-1] else 0
            sql = cursor.mogrify(statement, parameters).decode()
            found.append((took, f"-- {took:,.1f} ms\n{sql}\n\n" + "\n".join(lines) + "\n"))
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    found.sort(key=lambda pair: -pair[0])
    heading = f"-- {title}: {seconds * 1000:,.0f} ms, {len(sent)} statements\n"
    PLANS.mkdir(parents=True, exist_ok=True)
    path = PLANS / f"{label}.txt"
    path.write_text("\n\n".join([heading, *(plan for _, plan in found)]))
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
