"""A batch of commands over many accounts gives each command the result it would get alone.

The bus finds a command's events among the accounts handed to it since the command began
(not by looking at every account the batch has loaded), and snapshots each account whose
events in the batch cross the interval: the results, the stored log and the snapshots are
those of the same commands carried out one at a time (but for log positions: a batch
stores its events account by account).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ledger.application import SNAPSHOT_INTERVAL
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.receivables import IssueInvoice
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
from tests.unit.given import OPENED


def commands(accounts: int, invoices: int) -> list[Command]:
    """Openings, then invoices visiting the accounts in turn (interleaved)."""
    opened: list[Command] = [
        OpenAccount(account=f"ACC-{a}", command_id=f"open-{a}", name=f"Debtor {a}",
                    currency="USD", effective_on=OPENED, terms_days=30)
        for a in range(accounts)
    ]
    issued: list[Command] = [
        IssueInvoice(account=f"ACC-{a}", command_id=f"inv-{a}-{n}", invoice_id=f"INV-{n}",
                     amount=Decimal("1.00") + n, currency="USD", issue_date=OPENED)
        for n in range(invoices) for a in range(accounts)
    ]
    return opened + issued


def stored(service: LedgerService) -> list[tuple[str, int, str]]:
    rows = service.app.notifications_after(0, 1_000_000)
    return [(str(r.originator_id), r.originator_version, r.topic) for r in rows]


def test_interleaved_commands_in_one_batch_get_the_results_they_get_one_by_one() -> None:
    batch = commands(accounts=5, invoices=SNAPSHOT_INTERVAL)
    together, _ = make_service()
    report = together.execute_batch(batch, MANAGER)
    alone, _ = make_service()
    results = [alone.execute(command, MANAGER) for command in batch]

    assert not report.errors
    # a batch stores its events account by account, so log positions differ; all else agrees
    assert [replace(report.results[i], position=None) for i in range(len(batch))] == [
        replace(result, position=None) for result in results]
    assert sorted(stored(together)) == sorted(stored(alone))
    for a in range(5):
        account = together.account(f"ACC-{a}")
        snapshots = list(together.app.snapshots.get(account.id))  # type: ignore[union-attr]
        # taken of the account as the batch left it, past the interval it crossed
        assert [s.originator_version for s in snapshots] == [account.version]
        assert account.version > SNAPSHOT_INTERVAL


def test_a_refused_command_in_a_batch_names_its_own_position_only() -> None:
    batch = commands(accounts=3, invoices=2)
    batch.insert(4, IssueInvoice(account="ACC-9", command_id="nowhere", invoice_id="INV-X",
                                 amount=Decimal("1.00"), currency="USD", issue_date=OPENED))
    service, _ = make_service()
    report = service.execute_batch(batch, MANAGER, skip_invalid=True)
    assert list(report.errors) == [4]
    assert len(report.results) == len(batch) - 1
