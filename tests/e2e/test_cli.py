"""The `colledger` command line, run as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture
def colledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "COLLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
           "COLUMNS": "200"}
    executable = shutil.which("colledger", path=str(Path(sys.executable).parent))
    command = [executable] if executable else [sys.executable, "-m", "colledger.main"]

    def run(*args: str, expect: int = 0) -> str:
        done = subprocess.run(
            [*command, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == expect, done.stdout + done.stderr
        return done.stdout + done.stderr

    return run


def test_help_lists_every_command(colledger) -> None:  # type: ignore[no-untyped-def]
    out = colledger("--help")
    for command in ("init", "demo", "account", "import", "tick", "serve"):
        assert command in out


def test_demo_then_account_views(colledger) -> None:  # type: ignore[no-untyped-def]
    colledger("init")
    colledger("demo", "--accounts", "4", "--months", "3", "--seed", "11", "--end", "2026-06-30")
    numbers = [a["number"] for a in json.loads(colledger("account", "list", "--format", "json"))]
    assert numbers[:4] == ["ACC-00001", "ACC-00002", "ACC-00003", "ACC-00004"]

    view = json.loads(colledger("account", "show", numbers[0], "--as-of", "2026-06-30",
                                "--format", "json"))
    history = json.loads(colledger("account", "history", numbers[0], "--format", "json"))

    assert view["account"] == numbers[0] and view["version"] == len(history)
    assert history[0]["type"] == "AccountOpened"
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(history, history[1:], strict=False))


def test_demo_is_loaded_only_into_an_empty_store(colledger) -> None:  # type: ignore[no-untyped-def]
    colledger("demo", "--accounts", "2", "--months", "2", "--end", "2026-06-30")
    out = colledger("demo", "--if-empty", "--accounts", "2", "--months", "2")
    assert "already has accounts" in out


def test_imports_are_idempotent(colledger) -> None:  # type: ignore[no-untyped-def]
    first = colledger("import", "invoices", str(EXAMPLES / "open_items.csv"))
    colledger("import", "payments", str(EXAMPLES / "remittance.csv"))
    again = colledger("import", "invoices", str(EXAMPLES / "open_items.csv"))

    assert "0 already imported" in first
    assert " 0 new" in again and "nothing written" in again


def test_an_invalid_file_is_refused_with_its_row_number(colledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "account,customer_name,invoice_id,issue_date,amount,currency\n"
        "ACME-1,Acme Ltd,INV-1,2026-01-10,100.00,USD\n"
        "ACME-1,Acme Ltd,INV-2,2026-01-11,10.001,USD\n"
    )
    out = colledger("import", "invoices", str(bad), expect=1)
    assert "row 3" in out and "nothing written" in out
    assert json.loads(colledger("account", "list", "--format", "json")) == []


def test_tick_is_idempotent(colledger) -> None:  # type: ignore[no-untyped-def]
    colledger("import", "invoices", str(EXAMPLES / "open_items.csv"))
    yesterday = str(date.today() - timedelta(days=1))
    first = colledger("tick", "--date", yesterday)
    second = colledger("tick", "--date", yesterday)
    assert " 0 events" not in first
    assert " 0 events" in second


def test_tick_refuses_a_day_that_has_begun_nowhere_and_writes_nothing(colledger) -> None:  # type: ignore[no-untyped-def]
    colledger("import", "invoices", str(EXAMPLES / "open_items.csv"))
    before = colledger("account", "history", "C-100", "--format", "json")
    out = colledger("tick", "--date", str(date.today() + timedelta(days=2)), expect=2)
    assert "future-date" in out
    assert colledger("account", "history", "C-100", "--format", "json") == before


def test_unknown_account_is_a_clear_error(colledger) -> None:  # type: ignore[no-untyped-def]
    out = colledger("account", "show", "NOPE", expect=2)
    assert "account-not-found" in out
