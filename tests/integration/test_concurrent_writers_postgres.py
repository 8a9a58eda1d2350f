"""Concurrent writers on one account, against a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest

from ledger.commands.accounts import OpenAccount
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.service import LedgerService
from tests.builders import MANAGER, SERVICE, make_service
from tests.support.reliability import RecordFigures

pytestmark = pytest.mark.postgres

WRITERS = 4
PAYMENTS_EACH = 15


def open_account_with_invoice(service: LedgerService, number: str) -> None:
    service.execute(OpenAccount(account=number, name="Concurrent Co", currency="USD"), MANAGER)
    service.execute(
        IssueInvoice(
            account=number, invoice_id="BIG", amount=Decimal("100000.00"), currency="USD",
            issue_date=date(2026, 1, 1),
        ),
        SERVICE,
    )


def pay(database_url: str, number: str, writer: int, count: int) -> list[int]:
    service, _ = make_service(database_url)
    versions = []
    for n in range(count):
        result = service.execute(
            RecordPayment(
                account=number, payment_id=f"W{writer}-{n}", amount=Decimal("1.00"),
                currency="USD", received_on=date(2026, 1, 10),
            ),
            SERVICE,
        )
        versions.append(result.version)
    return versions


def record_writes(
    record_figures: RecordFigures, service: LedgerService, number: str, writers: int, sent: int
) -> None:
    stored = [e["payload"]["payment_id"] for e in service.history(number)
              if e["type"] == "PaymentReceived"]
    record_figures({"concurrent writers": writers, "concurrent writes": sent,
                    "writes lost": sent - len(set(stored)),
                    "writes duplicated": len(stored) - len(set(stored))})


def assert_stream_is_whole(
    service: LedgerService, number: str, payments: int, each: Decimal = Decimal("1.00")
) -> None:
    history = list(service.history(number))
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    received = [e["payload"]["payment_id"] for e in history if e["type"] == "PaymentReceived"]
    assert len(received) == payments
    assert len(set(received)) == payments
    for before, after in zip(history, history[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    account = service.account(number)
    assert account.outstanding("USD") == Decimal("100000.00") - payments * each


def test_threads_writing_one_account_lose_and_duplicate_nothing(
    postgres_database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(postgres_database_url)
    open_account_with_invoice(service, "RACE-1")

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [
            pool.submit(pay, postgres_database_url, "RACE-1", w, PAYMENTS_EACH)
            for w in range(WRITERS)
        ]
        versions = [v for f in futures for v in f.result()]

    record_writes(record_figures, service, "RACE-1", WRITERS, WRITERS * PAYMENTS_EACH)
    assert len(set(versions)) == len(versions)
    assert_stream_is_whole(service, "RACE-1", WRITERS * PAYMENTS_EACH)


def test_processes_writing_one_account_lose_and_duplicate_nothing(
    postgres_database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(postgres_database_url)
    open_account_with_invoice(service, "RACE-2")

    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=3) as pool:
        results = pool.starmap(
            pay, [(postgres_database_url, "RACE-2", w, PAYMENTS_EACH) for w in range(3)]
        )

    record_writes(record_figures, service, "RACE-2", 3, 3 * PAYMENTS_EACH)
    assert sum(len(r) for r in results) == 3 * PAYMENTS_EACH
    assert_stream_is_whole(service, "RACE-2", 3 * PAYMENTS_EACH)


def test_the_same_command_sent_concurrently_is_carried_out_once(
    postgres_database_url: str, record_figures: RecordFigures
) -> None:
    service, _ = make_service(postgres_database_url)
    open_account_with_invoice(service, "RACE-3")
    command = RecordPayment(
        account="RACE-3", payment_id="ONCE", amount=Decimal("5.00"), currency="USD",
        received_on=date(2026, 1, 10), command_id="same-key",
    )

    def send(_: int) -> tuple[int, bool]:
        writer, _clock = make_service(postgres_database_url)
        result = writer.execute(command, SERVICE)
        return result.version, result.replayed

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(send, range(WRITERS)))

    record_figures({"writers sending one command at once": WRITERS,
                    "times it was carried out": sum(not replayed for _, replayed in outcomes)})
    assert len({version for version, _ in outcomes}) == 1
    assert sum(1 for _, replayed in outcomes if not replayed) == 1
    assert_stream_is_whole(service, "RACE-3", 1, each=Decimal("5.00"))
