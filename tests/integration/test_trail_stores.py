"""Regulatory trails on SQLite and on a real PostgreSQL: the round trip with a checkpoint in
the manifest, and refusal after an edit made with raw SQL behind the ledger's back."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.aggregates.trail_exports import TRAIL_EXPORTS_ID, TrailExported
from ledger.audit.recording import record_checkpoint
from ledger.audit.trail import LedgerDoesNotVerify, export_trail
from ledger.audit.trail_check import check_trail
from ledger.audit.trail_query import TrailQuery
from ledger.commands.base import Actor
from ledger.commands.receivables import IssueInvoice
from tests.builders import MANAGER, make_service
from tests.integration import tamper
from tests.unit.given import an_account

AUDITOR = Actor("auditor-1", "auditor")



def test_trails_round_trip_and_refuse_a_tampered_store(store_url: str, tmp_path: Path) -> None:
    service, clock = make_service(store_url)
    for number in ("S-1", "S-2"):
        an_account(service, number)
        service.execute_batch([
            IssueInvoice(account=number, invoice_id=f"INV-{i}", amount=Decimal("10.00"),
                         currency="USD", issue_date=date(2026, 1, 2 + i),
                         effective_on=date(2026, 1, 2 + i))
            for i in range(4)
        ], MANAGER)
    checkpoint = record_checkpoint(service.app, "auditor-1", clock)
    period = TrailQuery(start=date(2026, 1, 3), end=date(2026, 1, 4))

    made = export_trail(service.app, period, tmp_path / "p", AUDITOR, clock)

    assert check_trail(tmp_path / "p").ok
    assert made.manifest["verification"]["checkpoint"]["digest"] == checkpoint.digest
    assert made.manifest["totals"] == {"accounts": 2, "events": 4}

    tamper.change_amount(store_url, "S-2", 3, "99.00")
    again, clock = make_service(store_url)
    with pytest.raises(LedgerDoesNotVerify, match="S-2 v3 payload-changed"):
        export_trail(again.app, TrailQuery(account="S-2"), tmp_path / "a", AUDITOR, clock)
    assert not (tmp_path / "a").exists()
    recorded = [e for e in again.app.events.get(TRAIL_EXPORTS_ID) if isinstance(e, TrailExported)]
    assert [(e.actor_id, e.query) for e in recorded] == [
        ("auditor-1", {"from": "2026-01-03", "to": "2026-01-04"})]
    forced = export_trail(again.app, TrailQuery(account="S-1"), tmp_path / "s1", AUDITOR, clock,
                          override=True)
    manifest = json.loads((tmp_path / "s1" / "manifest.json").read_text())
    assert manifest == forced.manifest and manifest["verification"]["override"] is True
    assert check_trail(tmp_path / "s1").ok  # S-1 itself is intact; only the override is noted
