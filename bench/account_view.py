"""How long the account view takes for one account of about 1,000 events (SQLite file).

One account: 400 invoices a day apart, three in four part-paid by a payment the next day
(allocated automatically: two events each), 1,001 events in all, recorded as they happen.
Each read runs once untimed, then 15 times timed, as a caller of
``LedgerService.account_as_of`` sees it (read models already caught up).

    .venv/bin/python -m bench.account_view

Measured on the 2-core development machine when the view stopped replaying the stream
(milliseconds, median of 15):

| read | replay (before) | read models (after) |
| --- | --- | --- |
| as of the last day | 21.1 | 8.8 |
| as of mid-history | 23.9 | 7.9 |
| as of mid-history, known at mid-history | 15.6 | 5.7 |

The replay grew with the account's events; the read models' answer grows with its open
invoices (here all 400 owe something, and building their rows is most of the time).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from infra.bootstrap import bootstrap
from infra.settings import Settings
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor, Command
from ledger.commands.receivables import IssueInvoice, RecordPayment

ACTOR = Actor("manager-1", "manager")
START = date(2024, 1, 1)
REPEAT = 15


def commands() -> list[Command]:
    made: list[Command] = [OpenAccount(account="BIG", name="Big Debtor", currency="USD",
                                       effective_on=START)]
    for n in range(400):
        made.append(IssueInvoice(account="BIG", invoice_id=f"I-{n}", currency="USD",
                                 amount=Decimal("100.00"), issue_date=START + timedelta(days=n)))
        if n % 4 != 3:
            made.append(RecordPayment(account="BIG", payment_id=f"P-{n}", currency="USD",
                                      amount=Decimal("60.00"),
                                      received_on=START + timedelta(days=n + 1)))
    return made


def recorded_times(batch: list[Command]) -> list[datetime]:
    """Each command recorded at noon of its business day (never going backwards)."""
    times, last = [], datetime.combine(START, datetime.min.time(), tzinfo=UTC)
    for command in batch:
        day = getattr(command, "received_on", None) or getattr(command, "issue_date", START)
        noon = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        last = max(last + timedelta(seconds=1), noon)
        times.append(last)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        ledger = bootstrap(Settings(database_url=f"sqlite:///{Path(scratch) / 'ledger.db'}"))
        service = ledger.service
        batch = commands()
        report = service.execute_batch(batch, ACTOR, recorded_at=recorded_times(batch))
        assert not report.errors, report.errors
        ledger.read_models.catch_up()
        events = service.current_version("BIG")
        middle = datetime.combine(START + timedelta(days=150), datetime.min.time(), tzinfo=UTC)
        for label, as_of, known_at in (
            ("as of the last day", START + timedelta(days=420), None),
            ("as of mid-history", START + timedelta(days=200), None),
            ("as of mid-history, known at mid-history", START + timedelta(days=200), middle),
        ):
            service.account_as_of("BIG", as_of, known_at)
            timings = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                service.account_as_of("BIG", as_of, known_at)
                timings.append(time.perf_counter() - started)
            print(f"{events} events, {label}: median {statistics.median(timings) * 1000:.1f} ms,"
                  f" min {min(timings) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
