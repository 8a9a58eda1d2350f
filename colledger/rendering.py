"""How the CLI shows read results: rich tables for people, JSON or CSV for machines."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ledger import csv_cells

console = Console()


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, sort_keys=True, indent=2) + "\n")


def emit_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """Cells as the API's exports spell them (`ledger.csv_cells`): pass amounts as
    Decimals, not as text, so that negative ones stay numbers."""
    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for record in rows:
        writer.writerow(csv_cells.row(columns, record))


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """Numbers are right-aligned so that amounts line up on their decimal point."""
    body = [list(row) for row in rows]
    grid = Table(title=title, title_justify="left")
    for n, column in enumerate(columns):
        numeric = bool(body) and all(_is_number(row[n]) for row in body)
        grid.add_column(column, justify="right" if numeric else "left")
    for row in body:
        grid.add_row(*("" if cell is None else str(cell) for cell in row))
    return grid


def _is_number(cell: Any) -> bool:
    if isinstance(cell, (int, Decimal)) and not isinstance(cell, bool):
        return True
    try:
        Decimal(str(cell))
    except ArithmeticError:
        return False
    return isinstance(cell, str) and not cell.isalpha()


def show_account(view: dict[str, Any]) -> None:
    flags = ", ".join(k for k, v in view["flags"].items() if v) or "none"
    console.print(
        f"[bold]{view['account']}[/bold] {view['name']}  ({view['segment']}, "
        f"net {view['terms_days']}, {view['timezone']}, agent {view['agent_id'] or '-'})"
    )
    known = f", as known at {view['known_at']}" if view["known_at"] else ""
    console.print(f"as of {view['as_of']}{known}; version {view['version']}; flags: {flags}")
    if view.get("contact"):
        console.print("contact: " + ", ".join(
            f"{k} {escape(v) if v is not None else escape('[erased]')}"
            for k, v in view["contact"].items()))
    console.print(
        table(
            "Totals",
            ["Currency", "Outstanding", "Overdue", "Disputed", "Unapplied credit", "Balance"],
            [
                [c, t["outstanding"], t["overdue"], t["disputed"], t["unapplied_credit"],
                 t["balance"]]
                for c, t in sorted(view["totals"].items())
            ],
        )
    )
    console.print(
        table(
            "Open invoices",
            ["Invoice", "Currency", "Amount", "Issued", "Due", "DPD", "Outstanding", "Disputed"],
            [
                [i["invoice_id"], i["currency"], i["amount"], i["issue_date"], i["due_date"],
                 i["days_past_due"], i["outstanding"], i["disputed"]]
                for i in view["invoices"]
            ],
        )
    )
    if view["open_promise"]:
        p = view["open_promise"]
        console.print(
            f"open promise {p['promise_id']}: {p['amount']} {p['currency']} by {p['due_date']}"
        )


def show_accounts(accounts: list[dict[str, Any]]) -> None:
    """One line per currency owed in the last column, so amounts still line up."""
    console.print(
        table(
            "Accounts",
            ["Account", "Name", "Currency", "Segment", "Agent", "Outstanding"],
            [
                [a["number"], escape(a["name"]), a["currency"], a["segment"], a["agent"] or "-",
                 "\n".join(f"{v} {c}" for c, v in sorted(a["outstanding"].items()))]
                for a in accounts
            ],
        )
    )


def show_history(number: str, events: list[dict[str, Any]]) -> None:
    console.print(
        table(
            f"History of {number}",
            ["Version", "Type", "Effective", "Recorded (UTC)", "Actor", "Role", "Hash"],
            [
                [e["version"], e["type"], e["effective_on"], e["recorded_at"], e["actor_id"],
                 e["actor_role"], e["hash"][:12]]
                for e in events
            ],
        )
    )
