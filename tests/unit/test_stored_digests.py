"""Each event's digest is computed once, when it is recorded, and stored with it.

Loading, replaying, projecting and relaying read the stored digest and never compute one;
verification recomputes every digest once and compares it with the stored one and with
the next event's ``prev_hash`` (docs/audit.md, *Stored digests*).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import text

from colledger.main import main
from infra.bootstrap import Ledger
from ledger import canonical
from ledger.aggregates import Account
from ledger.aggregates.access_grants import ACCESS_GRANTS_ID
from ledger.aggregates.account import account_id_for
from ledger.aggregates.checkpoints import CHECKPOINTS_ID
from ledger.aggregates.digests import DIGEST, Digested
from ledger.application import SNAPSHOT_INTERVAL
from ledger.audit.chain_check import first_break
from ledger.audit.recording import record_checkpoint
from ledger.audit.stored_streams import Link
from ledger.audit.verification import verify_ledger
from ledger.canonical import GENESIS_HASH
from ledger.commands.receivables import IssueInvoice, RecordPayment
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.unit.given import an_account

RELEASE_STORE = Path(__file__).parents[1] / "data" / "stores" / "release-2026-12-07.db"
NUMBER = "D-1"
INVOICES = 2 * SNAPSHOT_INTERVAL + 20
OUR_PACKAGES = ("ledger", "api", "consumers", "colledger", "infra")


class DigestCalls:
    """Counts calls of `ledger.canonical.document_digest` (every event digest goes through
    it), patched wherever our code imported it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = canonical.document_digest

        def counted(document: object) -> str:
            self.count += 1
            return original(document)  # type: ignore[arg-type]

        for name, module in list(sys.modules.items()):
            if module is None or name.split(".")[0] not in OUR_PACKAGES:
                continue
            for attribute, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attribute, counted)


def store(tmp_path: Path) -> tuple[str, Ledger]:
    """An account past two snapshots, a payment, a key grant and a checkpoint, on a file."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ledger, clock = make_ledger(url, kafka_bootstrap="127.0.0.1:9")
    service = ledger.service
    an_account(service, NUMBER)
    service.execute_batch([
        IssueInvoice(account=NUMBER, invoice_id=f"INV-{i}", amount=Decimal("10.00"),
                     currency="USD", issue_date=date(2026, 1, 2))
        for i in range(INVOICES)
    ], MANAGER)
    service.execute(RecordPayment(account=NUMBER, payment_id="P-1", amount=Decimal("25.00"),
                                  currency="USD", received_on=date(2026, 1, 20)), SERVICE)
    ledger.keys.create("auditor", "auditor-1")
    record_checkpoint(ledger.app, "auditor-1", clock)
    return url, ledger


def stored_states(ledger: Ledger) -> Iterator[tuple[str, int, dict[str, object]]]:
    """(topic, version, decoded JSON state) of every stored event."""
    with ledger.app.datastore.transaction(commit=False) as session:
        rows = session.execute(text(
            "SELECT topic, originator_version, state FROM ledger_events ORDER BY id")).all()
    for topic, version, state in rows:
        yield topic, version, json.loads(bytes(state))


def replay(ledger: Ledger, account_id: UUID, known_at: datetime | None) -> Account:
    """The account from its first event, as known at ``known_at`` (all of it when None)."""
    account: Account | None = None
    for event in ledger.app.account_events(account_id):
        if known_at is not None and event.timestamp > known_at:
            break
        account = event.mutate(account)
    assert account is not None
    return account


def chained_events(ledger: Ledger) -> int:
    return sum(1 for stream in (account_id_for(NUMBER), CHECKPOINTS_ID, ACCESS_GRANTS_ID)
               for event in ledger.app.events.get(stream) if isinstance(event, Digested))


def test_every_chained_event_is_stored_with_the_digest_its_content_hashes_to(
    tmp_path: Path,
) -> None:
    _, ledger = store(tmp_path)
    account = ledger.app.get_account(account_id_for(NUMBER))
    events = list(ledger.app.account_events(account.id))

    assert [e.stored_digest for e in events] == [e.recomputed_digest() for e in events]
    assert [e.prev_hash for e in events[1:]] == [e.digest for e in events[:-1]]
    assert account.head_hash == events[-1].digest
    assert all(DIGEST not in e.payload() for e in events), "the digest is not what it hashes"
    unchained = {topic.rsplit(":", 1)[1] for topic, _, state in stored_states(ledger)
                 if DIGEST not in state}
    assert unchained == {"LedgerCheckpoints.Created", "AccessGrants.Created"}


def test_a_snapshot_carries_the_head_digest_of_its_version(tmp_path: Path) -> None:
    _, ledger = store(tmp_path)
    account_id = account_id_for(NUMBER)
    digests = {e.originator_version: e.digest for e in ledger.app.account_events(account_id)}

    snapshots = list(ledger.app.snapshots.get(account_id))  # type: ignore[union-attr]

    assert snapshots, "the account crossed a snapshot interval"
    for snapshot in snapshots:
        assert snapshot.state["head_hash"] == digests[snapshot.originator_version]


def test_reading_never_computes_a_digest_and_verifying_computes_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    url, written = store(tmp_path)
    events = chained_events(written)
    ledger, _ = make_ledger(url, kafka_bootstrap="127.0.0.1:9")
    app, account_id = ledger.app, account_id_for(NUMBER)
    relay = ledger.relay(batch_size=100)
    sent: list[object] = []
    monkeypatch.setattr(relay, "_send_all", sent.extend)
    calls = DigestCalls(monkeypatch)

    loaded = app.get_account(account_id)
    replayed = replay(ledger, account_id, known_at=None)
    earlier = replay(ledger, account_id, known_at=loaded.modified_on - timedelta(microseconds=1))
    history = list(ledger.service.history(NUMBER))
    app.repository.get(CHECKPOINTS_ID)
    app.repository.get(ACCESS_GRANTS_ID)
    ledger.read_models.catch_up()
    ledger.read_models.rebuild()
    relay.catch_up()

    assert calls.count == 0
    assert loaded.head_hash == replayed.head_hash == history[-1]["hash"]
    assert earlier.version == INVOICES + 1 < loaded.version
    assert len(sent) == app.recorder.max_notification_id()

    assert main(["--database-url", url, "verify"]) == 0, capsys.readouterr()
    assert calls.count == events



def link(version: int, prev_hash: str, digest: str, stored: str | None) -> Link:
    return Link(version, prev_hash, digest, None, None, stored)


@pytest.mark.parametrize(("second", "head", "kind"), [
    (link(2, "a", "b", "b"), None, "digest-mismatch"),  # v2 names v1's content: stored changed
    (link(2, "x", "b", "b"), None, "payload-changed"),  # v2 names v1's stored digest: content
    (None, (1, "a"), "digest-mismatch"),  # the checkpoint's head is v1's content
    (None, (1, "x"), "payload-changed"),  # the checkpoint's head is v1's stored digest
    (None, None, "digest-mismatch"),  # nothing later tells which of the two changed
])
def test_what_the_chain_recorded_of_an_event_says_whether_its_digest_or_content_changed(
    second: Link | None, head: tuple[int, str] | None, kind: str,
) -> None:
    first = link(1, GENESIS_HASH, "a", "x")
    found = first_break("X", [first] + ([second] if second else []), head, "checkpoint #1")
    assert found is not None and (found.version, found.kind) == (1, kind)


def test_a_rewritten_checkpoint_digest_is_named_on_the_checkpoint_stream(tmp_path: Path) -> None:
    _, ledger = store(tmp_path)
    with ledger.app.datastore.transaction(commit=True) as session:
        row_id, state = session.execute(text(
            "SELECT id, state FROM ledger_events WHERE originator_id = :stream "
            "AND originator_version = 2"), {"stream": CHECKPOINTS_ID.bytes}).one()
        edited = json.loads(bytes(state)) | {DIGEST: "0" * 64}
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(edited).encode(), "id": row_id})

    report = verify_ledger(ledger.app)

    assert [(b.account_id, b.version, b.kind) for b in report.breaks] == [
        ("checkpoints", 2, "digest-mismatch")]


def test_a_release_store_upgraded_has_every_digest_and_nothing_else_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    copy = tmp_path / RELEASE_STORE.name
    shutil.copyfile(RELEASE_STORE, copy)
    before = raw_states(copy)
    assert not any(b'"digest":' in state for state in before.values())

    assert main(["--database-url", f"sqlite:///{copy}", "init"]) == 0, capsys.readouterr()

    after = raw_states(copy)
    appended = {row_id: after[row_id][len(state) - 1:] for row_id, state in before.items()
                if after[row_id] != state}
    assert all(after[row_id].startswith(before[row_id][:-1]) for row_id in appended)
    assert all(re.fullmatch(rb',"digest":"[0-9a-f]{64}"}', tail) for tail in appended.values())
    ledger, _ = make_ledger(f"sqlite:///{copy}")
    chained = [e for stream in streams(copy) for e in ledger.app.events.get(stream)
               if isinstance(e, Digested)]
    assert len(appended) == len(chained) > 100
    assert all(e.digest == e.recomputed_digest() for e in chained)


def raw_states(path: Path) -> dict[int, bytes]:
    with sqlite3.connect(path) as db:
        return {row_id: bytes(state)
                for row_id, state in db.execute("SELECT id, state FROM ledger_events")}


def streams(path: Path) -> list[UUID]:
    with sqlite3.connect(path) as db:
        return [UUID(bytes=bytes(stream)) for (stream,) in db.execute(
            "SELECT DISTINCT originator_id FROM ledger_events")]
