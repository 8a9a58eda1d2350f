"""The same behaviour on every event store: one contract, one subclass per backend."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.application import SNAPSHOT_INTERVAL
from ledger.commands.accounts import OpenAccount
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.service import LedgerService
from tests.builders import MANAGER, SERVICE, SteppingClock, make_service
from tests.replayed_view import account_known_at


class StoreContract:
    """Subclasses provide `database_url`; every test runs against that store."""

    @pytest.fixture
    def database_url(self) -> str:
        raise NotImplementedError

    def fresh(self, url: str) -> tuple[LedgerService, SteppingClock]:
        return make_service(url)

    def open_with_invoice(self, service: LedgerService, number: str = "C-1") -> None:
        service.execute(OpenAccount(account=number, name="Contract Co", currency="EUR"), MANAGER)
        service.execute(
            IssueInvoice(
                account=number, invoice_id="I-1", amount=Decimal("1000.00"), currency="EUR",
                issue_date=date(2026, 1, 1),
            ),
            SERVICE,
        )

    def test_events_survive_a_restart_with_their_hash_chain(self, database_url: str) -> None:
        first, _ = self.fresh(database_url)
        self.open_with_invoice(first)
        before = list(first.history("C-1"))

        second, _ = self.fresh(database_url)

        assert list(second.history("C-1")) == before
        assert second.account("C-1").outstanding("EUR") == Decimal("1000.00")

    def test_idempotency_holds_across_processes(self, database_url: str) -> None:
        first, _ = self.fresh(database_url)
        self.open_with_invoice(first)
        payment = RecordPayment(
            account="C-1", payment_id="P-1", amount=Decimal("10.00"), currency="EUR",
            received_on=date(2026, 1, 5), command_id="pay-once",
        )
        original = first.execute(payment, SERVICE)

        second, _ = self.fresh(database_url)
        again = second.execute(payment, SERVICE)

        assert again.replayed and again.version == original.version
        assert second.app.recorder.max_notification_id() == original.position

    def test_long_history_loads_from_a_snapshot_to_the_same_state(self, database_url: str) -> None:
        service, _ = self.fresh(database_url)
        self.open_with_invoice(service)
        commands = [
            RecordPayment(
                account="C-1", payment_id=f"P-{n}", amount=Decimal("1.00"), currency="EUR",
                received_on=date(2026, 1, 5),
            )
            for n in range(SNAPSHOT_INTERVAL)
        ]
        service.execute_batch(commands, SERVICE)
        account = service.account("C-1")
        assert account.version > SNAPSHOT_INTERVAL

        snapshots = list(service.app.snapshots.get(account.id))  # type: ignore[union-attr]
        replayed = account_known_at(service.app, account.id, None)

        assert snapshots, "a snapshot should have been taken"
        assert vars(replayed) == vars(account)

    def test_point_in_time_reads_are_byte_identical(self, database_url: str) -> None:
        service, clock = self.fresh(database_url)
        self.open_with_invoice(service)
        recorded_before_payment = clock.now
        service.execute(
            RecordPayment(
                account="C-1", payment_id="P-late", amount=Decimal("400.00"), currency="EUR",
                received_on=date(2026, 1, 3),
            ),
            SERVICE,
        )

        known_now = datetime.now(UTC)
        before = service.account_as_of("C-1", date(2026, 1, 10), recorded_before_payment)
        after = service.account_as_of("C-1", date(2026, 1, 10), known_now)
        other, _ = self.fresh(database_url)
        again = other.account_as_of("C-1", date(2026, 1, 10), known_now)

        assert before["totals"]["EUR"]["outstanding"] == "1000.00"
        assert after["totals"]["EUR"]["outstanding"] == "600.00"
        assert json.dumps(after, sort_keys=True) == json.dumps(again, sort_keys=True)


class TestSQLiteFileStore(StoreContract):
    @pytest.fixture
    def database_url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.mark.postgres
class TestPostgresStore(StoreContract):
    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url
