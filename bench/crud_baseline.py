"""The yardstick for portfolio reads: the same questions of a plain CRUD table.

A CRUD receivables system keeps one row per open invoice with what it owes now, and
answers aging with one ``GROUP BY`` and a ``SUM ... FILTER (WHERE ...)`` per bucket.
``bench_crud_receivables`` is that table, built in the benchmark's own database from
the ledger's read models (so both hold the same invoices and amounts, in minor units),
indexed and analysed. It knows only the present: asked about a past date it moves the
bucket edges but still sums today's amounts, so for past dates it is the cost of the
query shape, not an equal answer. KPIs' yardstick is the month's billing and
collections summed the same way from the invoices and payments tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from ledger.projections.aging import DEFAULT_EDGES, bucket_labels

TABLE = "bench_crud_receivables"
BUILD = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} AS
SELECT a.number, coalesce(a.agent_id, '(unassigned)') AS agent_id, a.segment, o.currency,
       o.invoice_id, i.due_date, o.outstanding, coalesce(d.disputed, 0) AS disputed
FROM (SELECT account_id, invoice_id, currency, sum(amount_minor) AS outstanding
      FROM rm_invoice_movements GROUP BY 1, 2, 3 HAVING sum(amount_minor) <> 0) AS o
JOIN rm_invoices AS i USING (account_id, invoice_id)
JOIN rm_accounts AS a USING (account_id)
LEFT JOIN (SELECT account_id, invoice_id, sum(amount_minor) AS disputed FROM rm_disputes
           WHERE resolved_on IS NULL GROUP BY 1, 2) AS d USING (account_id, invoice_id);
CREATE INDEX ON {TABLE} (number);
CREATE INDEX ON {TABLE} (agent_id);
ANALYZE {TABLE};
"""
KEYS = {"account": "number", "agent": "agent_id", "segment": "segment",
        "currency": "'all'", "portfolio": "'portfolio'"}


def build(connection: Any) -> int:
    """Create the table; returns its rows (open invoices)."""
    for statement in BUILD.split(";"):
        if statement.strip():
            connection.execute(text(statement))
    return int(connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one())


def aging_sql(by: str, as_of: date, edges: Sequence[int] = DEFAULT_EDGES,
              limit: int | None = None, after: str | None = None) -> str:
    """By account, ``limit`` and ``after`` page on the account number (keyset)."""
    labels = bucket_labels(edges)
    bounds = [as_of] + [as_of - timedelta(days=edge) for edge in edges]
    sums = [f"sum(outstanding) FILTER (WHERE due_date >= DATE '{bounds[0]}') AS \"{labels[0]}\""]
    for label, newer, older in zip(labels[1:], bounds, bounds[1:], strict=False):
        sums.append(f"sum(outstanding) FILTER (WHERE due_date < DATE '{newer}' "
                    f"AND due_date >= DATE '{older}') AS \"{label}\"")
    sums.append(f"sum(outstanding) FILTER (WHERE due_date < DATE '{bounds[-1]}') "
                f"AS \"{labels[-1]}\"")
    key = KEYS[by]
    group = "currency" if key.startswith("'") else f"{key}, currency"
    page = f" ORDER BY {group} LIMIT {limit}" if limit else ""
    where = f" WHERE number > '{after}'" if after else ""
    return (f"SELECT {key} AS key, currency, {', '.join(sums)}, sum(outstanding) AS total, "
            f"sum(disputed) AS disputed, count(*) AS invoices FROM {TABLE}{where} "
            f"GROUP BY {group}{page}")


def month_sql(first: date, last: date) -> str:
    return (
        "SELECT currency, sum(billed) AS billed, sum(collected) AS collected FROM ("
        "SELECT currency, amount_minor AS billed, 0 AS collected FROM rm_invoices "
        f"WHERE issue_date BETWEEN DATE '{first}' AND DATE '{last}' UNION ALL "
        "SELECT currency, 0, amount_minor FROM rm_payments "
        f"WHERE received_on BETWEEN DATE '{first}' AND DATE '{last}') AS month "
        "GROUP BY currency"
    )


def sql_call(sql: str) -> Any:
    def call(connection: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(sql)
        cursor.fetchall()
        cursor.close()

    return call
