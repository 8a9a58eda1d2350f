"""Target 15: importing and matching a bank statement against the big portfolio.

A camt.053 of ``lines`` credit lines is written from the restored portfolio's open
invoices (seeded, so every run writes the same file; `statement_rows`): nine in ten pay
an owing invoice, most naming it in the remittance, the rest by the customer's name and
the amount alone; one in ten come from unknown payers. The answer is known: every line
naming an invoice is matched by its reference; a name-and-amount line is matched when the
name and amount are the customer's alone.

The baseline is the parser alone on the same file (`ledger.cash.statements`), the figure
the whole import (parse, record every receipt, match each by index, pay the accounts
through the command bus in batches, record the decisions), both in lines per second. The
cash projection is built first (a store written before it existed has none), timed apart.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.target_rows import Row
from infra.bootstrap import Ledger
from ledger.cash.application import CashApplication
from ledger.cash.statements import parse_statement
from ledger.commands.base import Actor
from ledger.currencies import minor_units
from ledger.projections.owing_invoices import owing_invoices
from tests.support.statement_files import write_camt053

Progress = Callable[[str], None]
CASHIER = Actor("bench-cashier", "cashier")
SEED = 15
TARGET_RATE = 500.0
"""Lines a second for the whole import: 100,000 lines in under four minutes."""


def open_invoices(ledger: Ledger) -> list[tuple[str, str, str, Decimal, str]]:
    """(account number, name, invoice id, outstanding, currency) of every owing invoice."""
    models = ledger.read_models
    owing = models.read(lambda s: owing_invoices(s, models.tables("open_items")))
    return [(o.account, o.account_name, o.invoice_id, o.owed, o.currency) for o in owing]


def statement_rows(invoices: list[tuple[str, str, str, Decimal, str]], lines: int
                   ) -> tuple[list[tuple[date, Decimal, str, str, str, str, str]], int]:
    """The statement's rows, and how many of them name their invoice.

    Nine lines in ten pay owing invoices, one in ten come from unknown payers. Each invoice
    is paid by lines naming it (three in four invoices: in as many instalments as it takes
    to fill the statement when the portfolio owes on fewer invoices than it has lines), by
    one line naming it and paying half (one in ten), or by its amount and the customer's
    name alone (the rest)."""
    rng = random.Random(SEED)
    wanted = lines * 9 // 10
    chosen = rng.sample(invoices, len(invoices))
    whole = max(len(chosen), 1)
    parts = max(1, -(-(wanted - whole // 4) // max(whole * 3 // 4, 1)))
    on = date.today()
    rows: list[tuple[date, Decimal, str, str, str, str, str]] = []
    for _, name, invoice_id, owed, currency in chosen:
        if len(rows) >= wanted:
            break
        cent = Decimal(1).scaleb(-minor_units(currency))
        draw = rng.random()
        if draw < 0.75:
            pieces = parts if owed >= cent * parts else 1
            share = (owed / pieces).quantize(cent)
            for k in range(pieces):
                paid = share if k < pieces - 1 else owed - share * (pieces - 1)
                remittance = (f"Payment {invoice_id} thank you" if pieces == 1
                              else f"instalment {k + 1} of {invoice_id}")
                rows.append((on, paid, currency, name, "", remittance, f"BNK{len(rows):08d}"))
        elif draw < 0.85:
            rows.append((on, max((owed / 2).quantize(cent), cent), currency, name, "",
                         f"part payment inv {invoice_id}", f"BNK{len(rows):08d}"))
        else:
            rows.append((on, owed, currency, name, "", "see remittance advice",
                         f"BNK{len(rows):08d}"))
    for k in range(len(rows), lines):
        rows.append((on, Decimal(rng.randint(100, 99_999)).scaleb(-2), "EUR",
                     f"Unknown Payer {k}", "", "payment", f"NOISE{k:08d}"))
    rows = rows[:lines]
    named = sum(1 for row in rows if row[5].startswith(("instalment", "Payment", "part")))
    rng.shuffle(rows)
    return rows, named


def cash_targets(ledger: Ledger, lines: int, size: str, say: Progress) -> list[Row]:
    started = time.perf_counter()
    ledger.read_models.rebuild(["cash"])
    say(f"cash projection built in {time.perf_counter() - started:,.0f} s")
    invoices = open_invoices(ledger)
    rows, named = statement_rows(invoices, lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement.camt053.xml"
        write_camt053(path, rows, statement_id=f"BENCH-{int(time.time())}")
        data = path.read_bytes()
    say(f"statement: {len(rows):,} lines ({len(data) / 2**20:,.0f} MiB), {named:,} naming "
        f"an invoice, from {len(invoices):,} owing invoices")
    started = time.perf_counter()
    parsed = parse_statement(data)
    parse_seconds = time.perf_counter() - started
    assert sum(len(s.lines) for s in parsed) == len(rows)
    started = time.perf_counter()
    report = CashApplication(ledger.service).import_statement(data, CASHIER)
    import_seconds = time.perf_counter() - started
    parse_rate, import_rate = len(rows) / parse_seconds, len(rows) / import_seconds
    rate = report.matched / len(rows)
    by_rule = ", ".join(f"{rule} {n:,}" for rule, n in sorted(report.by_rule.items()))
    say(f"  parse {parse_rate:,.0f} lines/s, import {import_rate:,.0f} lines/s; matched "
        f"{report.matched:,} ({by_rule}), unidentified {report.unidentified:,}")
    label = f"{len(rows):,}-line camt.053 on {size}"
    return [
        Row("15", "statement import and matching", label, f"{import_rate:,.0f} lines/s",
            f"parser alone {parse_rate:,.0f} lines/s", import_rate / parse_rate,
            f">= {TARGET_RATE:,.0f} lines/s", import_rate >= TARGET_RATE,
            f"{import_seconds:,.0f} s in all; matched {report.matched:,} of {len(rows):,} "
            f"({rate:.1%}; by rule: {by_rule}); {named:,} lines name their invoice and "
            f"{report.by_rule.get('invoice_reference', 0):,} were matched by it; "
            f"unidentified {report.unidentified:,}"),
        Row("15", "match rate on the generated statement", label, f"{rate:.1%}",
            f"{named / len(rows):.1%} name their invoice", None, "every naming line matched",
            report.by_rule.get("invoice_reference", 0) == named),
    ]
