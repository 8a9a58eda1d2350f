"""Checkpoints: recorded on demand and periodically, chained, exported, and harmless to the
read side (their events are not account events)."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from colledger.main import main
from ledger.audit.chain_check import first_break
from ledger.audit.checkpoint_schedule import PeriodicCheckpoints
from ledger.audit.checkpoint_store import checkpoint_from_export, stored_checkpoints
from ledger.audit.recording import CheckpointRefused, record_checkpoint
from ledger.audit.stored_streams import Link
from ledger.audit.verification import verify_ledger
from ledger.canonical import GENESIS_HASH
from ledger.commands.receivables import IssueInvoice
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
from tests.integration import tamper
from tests.unit.given import an_account


def invoices(service: LedgerService, number: str, count: int, first: int = 0) -> None:
    service.execute_batch([
        IssueInvoice(account=number, invoice_id=f"INV-{i}", amount=Decimal("10.00"),
                     currency="USD", issue_date=date(2026, 1, 2))
        for i in range(first, first + count)
    ], MANAGER)


def links(*pairs: tuple[str, str]) -> list[Link]:
    """(prev_hash, digest) per version from 1."""
    return [Link(v, prev, digest, None, None, digest) for v, (prev, digest) in enumerate(pairs, 1)]


def test_swapping_the_first_two_events_is_an_order_change_at_v1() -> None:
    chain = links((GENESIS_HASH, "a"), ("a", "b"), ("b", "c"))
    swapped = [Link(1, "a", "b", None, None, "b"), Link(2, GENESIS_HASH, "a", None, None, "a"),
               chain[2]]
    found = first_break("X", swapped)
    assert found is not None and (found.version, found.kind) == (1, "order-changed")
    assert first_break("X", chain) is None


def test_a_gap_of_several_versions_names_the_first_missing_one() -> None:
    chain = links((GENESIS_HASH, "a"), ("a", "b"), ("b", "c"), ("c", "d"))
    found = first_break("X", [chain[0], chain[3]])
    assert found is not None and (found.version, found.kind) == (2, "event-missing")
    assert found.detail.startswith("v2-v3 missing")


def test_a_changed_first_link_is_a_payload_change_at_v1() -> None:
    found = first_break("X", links(("f" * 64, "a")))
    assert found is not None and (found.version, found.kind) == (1, "payload-changed")


def test_checkpoints_are_chained_and_export_what_verification_needs(tmp_path: Path) -> None:
    service, clock = make_service()
    an_account(service, "C-1")
    first = record_checkpoint(service.app, "auditor-1", clock)
    invoices(service, "C-1", 2)
    an_account(service, "C-2")
    second = record_checkpoint(service.app, "auditor-1", clock)
    assert [c.sequence for c in stored_checkpoints(service.app)] == [1, 2]
    assert first.heads == {"C-1": (1, first.heads["C-1"][1])}
    assert {a: v for a, (v, _) in second.heads.items()} == {"C-1": 3, "C-2": 1}
    exported = second.export()
    assert checkpoint_from_export(json.loads(json.dumps(exported))) == \
        checkpoint_from_export(exported)
    assert verify_ledger(service.app, against=exported).ok
    exported["heads"]["C-2"]["version"] = 2
    with pytest.raises(ValueError, match="no longer match its own digest"):
        verify_ledger(service.app, against=exported)


def test_periodic_checkpoints_are_recorded_every_n_notifications() -> None:
    service, clock = make_service()
    periodic = PeriodicCheckpoints(service.app, every=5, clock=clock)
    an_account(service, "P-1")
    invoices(service, "P-1", 3)
    periodic()
    assert stored_checkpoints(service.app) == []
    invoices(service, "P-1", 1, first=3)
    periodic()
    periodic()
    (only,) = stored_checkpoints(service.app)
    assert (only.position, only.events) == (5, 5)
    invoices(service, "P-1", 4, first=4)
    periodic()
    assert len(stored_checkpoints(service.app)) == 1  # the checkpoint's own events do not count
    invoices(service, "P-1", 1, first=8)
    periodic()
    assert [c.events for c in stored_checkpoints(service.app)] == [5, 10]


def test_the_follower_calls_its_hook_after_a_batch() -> None:
    service, _ = make_service()
    an_account(service, "F-1")
    models = ReadModels(service.app)
    stop = threading.Event()
    calls: list[int] = []
    models.runner.after_batch = lambda: (calls.append(1), stop.set())  # type: ignore[func-returns-value]
    models.runner.follow(stop, interval=0)
    assert calls == [1]


def test_the_follower_calls_its_hook_when_a_read_applied_the_batch_first() -> None:
    """An account read catches the read models up itself; the follower, finding nothing
    left to apply, still runs what follows a batch (periodic checkpoints)."""
    service, _ = make_service()
    an_account(service, "F-1")
    models = ReadModels(service.app)
    models.catch_up()
    stop, calls, polls = threading.Event(), [], []
    poll = models.runner.run_once

    def a_read_catches_up_between_polls() -> int:
        polls.append(1)
        if len(polls) == 2:
            an_account(service, "F-2")
            ReadModels(service.app).catch_up()
        return poll()

    models.runner.run_once = a_read_catches_up_between_polls  # type: ignore[method-assign]
    models.runner.after_batch = lambda: (calls.append(len(polls)), stop.set())  # type: ignore[func-returns-value]
    models.runner.follow(stop, interval=0)
    assert calls == [2]


def test_checkpoint_events_leave_the_read_side_and_listings_alone() -> None:
    service, clock = make_service()
    an_account(service, "R-1")
    invoices(service, "R-1", 2)
    record_checkpoint(service.app, "auditor-1", clock)
    an_account(service, "R-2")
    models = ReadModels(service.app)
    models.catch_up()
    assert [a.number for a in models.accounts().items] == ["R-1", "R-2"]
    assert service.account_numbers() == ["R-1", "R-2"]
    assert models.rebuild() == service.app.recorder.max_notification_id()
    assert [a.number for a in models.accounts().items] == ["R-1", "R-2"]
    assert len(list(service.history("R-1"))) == 3


def test_cli_verify_exits_non_zero_on_a_break_and_on_a_bad_checkpoint_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, _ = make_service(url)
    an_account(service, "V-1")
    invoices(service, "V-1", 3)
    exported = tmp_path / "checkpoint.json"
    assert main(["--database-url", url, "checkpoint", "--export", str(exported)]) == 0
    assert main(["--database-url", url, "verify", "--against", str(exported)]) == 0
    assert "verified: 1 accounts, 4 events" in capsys.readouterr().out
    tamper.delete_versions(url, "V-1", [4])
    assert main(["--database-url", url, "verify", "--account", "V-1"]) == 1
    assert "V-1 v4 tail-truncated" in capsys.readouterr().out
    assert main(["--database-url", url, "checkpoint"]) == 1
    exported.write_text(exported.read_text().replace('"version": 4', '"version": 5'))
    assert main(["--database-url", url, "verify", "--against", str(exported)]) == 2


def test_an_incremental_checkpoint_verifies_what_came_since_the_last_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, clock = make_service(url)
    an_account(service, "I-1")
    invoices(service, "I-1", 3)
    first = record_checkpoint(service.app, "auditor-1", clock)
    invoices(service, "I-1", 2, first=3)
    an_account(service, "I-2")
    second = record_checkpoint(service.app, "auditor-1", clock, full=False)
    assert second.heads == {a: (v, d) for a, v, d in (
        ("I-1", 6, verify_ledger(service.app).heads["I-1"]),
        ("I-2", 1, verify_ledger(service.app).heads["I-2"]),
    )}
    assert (second.events, second.accounts) == (first.events + 3, 2)
    assert second.digest == verify_ledger(service.app).head_digest
    invoices(service, "I-2", 3)
    tamper.change_amount(url, "I-2", 2, "1.00")
    with pytest.raises(CheckpointRefused, match="I-2 v2 payload-changed"):
        record_checkpoint(service.app, "auditor-1", clock, full=False)
    assert len(stored_checkpoints(service.app)) == 2
