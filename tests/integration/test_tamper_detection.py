"""The tamper matrix: edits made with raw SQL behind the ledger's back are detected and named.

On SQLite and on a real PostgreSQL: three accounts of six events each and a
checkpoint, then one kind of tampering per test; verification must name the
account, the version and the kind, and nothing else. See docs/audit.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.audit.checkpoint_store import Checkpoint
from ledger.audit.recording import record_checkpoint
from ledger.audit.report import Break
from ledger.audit.verification import verify_ledger
from ledger.commands.receivables import IssueInvoice
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
from tests.integration import tamper
from tests.unit.given import an_account

ACCOUNTS = ("T-1", "T-2", "T-3")
INVOICES = 5



def invoice(number: str, index: int) -> IssueInvoice:
    return IssueInvoice(account=number, invoice_id=f"INV-{index}", amount=Decimal("10.00"),
                        currency="USD", issue_date=date(2026, 1, 2))


def build(url: str) -> tuple[LedgerService, Checkpoint]:
    """Three accounts of six events (v1 opened, v2-v6 invoices), then a checkpoint."""
    service, clock = make_service(url)
    for number in ACCOUNTS:
        an_account(service, number)
        service.execute_batch([invoice(number, i) for i in range(INVOICES)], MANAGER)
    return service, record_checkpoint(service.app, "auditor-1", clock)


def breaks_after(url: str) -> tuple[Break, ...]:
    """Verify with a freshly started ledger, as an auditor would."""
    service, _ = make_service(url)
    report = verify_ledger(service.app)
    assert report.ok is (report.breaks == ())
    return report.breaks


def named(breaks: tuple[Break, ...]) -> list[tuple[str, int | None, str]]:
    return [(b.account_id, b.version, b.kind) for b in breaks]


def test_an_untouched_store_verifies_against_its_checkpoint(store_url: str) -> None:
    service, checkpoint = build(store_url)
    report = verify_ledger(service.app)
    assert report.ok, report.summary()
    assert (report.accounts, report.events) == (3, 18)
    assert report.head_digest == checkpoint.digest
    assert report.checkpoint is not None and report.checkpoint["id"] == 1
    assert report.summary().startswith("verified: 3 accounts, 18 events, head digest ")


def test_a_changed_amount_is_named_payload_changed(store_url: str) -> None:
    build(store_url)
    tamper.change_amount(store_url, "T-1", 3, "1.00")
    assert named(breaks_after(store_url)) == [("T-1", 3, "payload-changed")]


def test_an_amount_that_no_longer_decodes_is_named_payload_changed(store_url: str) -> None:
    build(store_url)
    tamper.change_amount(store_url, "T-2", 4, "ten dollars")
    (found,) = breaks_after(store_url)
    assert (found.account_id, found.version, found.kind) == ("T-2", 4, "payload-changed")
    assert "no longer reads" in found.detail


def test_a_changed_last_event_is_caught_by_the_checkpoint_head(store_url: str) -> None:
    build(store_url)
    tamper.change_amount(store_url, "T-3", 6, "10.01")
    assert named(breaks_after(store_url)) == [("T-3", 6, "payload-changed")]


def test_a_rewritten_stored_digest_is_named_digest_mismatch(store_url: str) -> None:
    build(store_url)
    tamper.set_digest(store_url, "T-1", 3, "f" * 64)
    (found,) = breaks_after(store_url)
    assert (found.account_id, found.version, found.kind) == ("T-1", 3, "digest-mismatch")
    assert "the prev_hash stored in v4 names the digest of its content" in found.detail


def test_a_removed_stored_digest_of_a_last_event_is_named_digest_mismatch(store_url: str) -> None:
    build(store_url)
    tamper.set_digest(store_url, "T-2", 6, None)
    (found,) = breaks_after(store_url)
    assert (found.account_id, found.version, found.kind) == ("T-2", 6, "digest-mismatch")
    assert found.detail.startswith("v6 has no stored digest; the head checkpoint #1 recorded")


def test_an_event_deleted_in_the_middle_is_named_event_missing(store_url: str) -> None:
    build(store_url)
    tamper.delete_versions(store_url, "T-2", [3])
    assert named(breaks_after(store_url)) == [("T-2", 3, "event-missing")]


def test_deleted_last_events_are_named_tail_truncated(store_url: str) -> None:
    build(store_url)
    tamper.delete_versions(store_url, "T-3", [5, 6])
    assert named(breaks_after(store_url)) == [("T-3", 5, "tail-truncated")]


def test_a_deleted_stream_is_named_stream_deleted(store_url: str) -> None:
    build(store_url)
    tamper.delete_versions(store_url, "T-2")
    assert named(breaks_after(store_url)) == [("T-2", 1, "stream-deleted")]


def test_two_swapped_events_are_named_order_changed(store_url: str) -> None:
    build(store_url)
    tamper.swap_states(store_url, "T-1", 3, 4)
    assert named(breaks_after(store_url)) == [("T-1", 3, "order-changed")]


def test_a_cover_up_of_the_stored_checkpoints_is_caught_by_the_exported_one(
    store_url: str,
) -> None:
    _, checkpoint = build(store_url)
    exported = checkpoint.export()
    tamper.delete_versions(store_url, "T-3", [5, 6])
    tamper.delete_checkpoints(store_url)
    assert breaks_after(store_url) == ()  # nothing left in the database to tell
    service, _ = make_service(store_url)
    report = verify_ledger(service.app, against=exported)
    assert sorted(named(report.breaks)) == [
        ("T-3", 5, "tail-truncated"), ("checkpoints", 2, "event-missing"),
    ]


def test_edited_snapshots_are_not_evidence_and_do_not_matter(store_url: str) -> None:
    service, _ = make_service(store_url)
    an_account(service, "S-1")
    service.execute_batch([invoice("S-1", i) for i in range(120)], MANAGER)
    assert tamper.edit_snapshots(store_url, "S-1") == 1
    report = verify_ledger(make_service(store_url)[0].app)
    assert report.ok, report.summary()
    assert report.events == 121
