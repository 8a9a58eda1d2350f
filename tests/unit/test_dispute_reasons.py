"""Disputes carry a reason code (from a configured list) and an owner, both changeable,
each change on the record with who, when and why; disputes stored before reason codes
read as ``other`` with their stored content and digest unchanged."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from ledger.aggregates.errors import DisputeNotOpen, InvalidCommand, UnknownDisputeReason
from ledger.commands.collections import (
    AssignDisputeOwner,
    ChangeDisputeReason,
    OpenDispute,
    ResolveDispute,
)
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, make_service
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of, rejected

RELEASE_STORE = Path(__file__).parents[1] / "data" / "stores" / "release-2026-12-07.db"


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    return service


def open_dispute(service: LedgerService, **fields: object) -> None:
    service.execute(OpenDispute(account=ACCOUNT, dispute_id="D-1", invoice_id="INV-1",
                                amount=Decimal("200.00"), reason="damaged",
                                effective_on=date(2026, 2, 1), **fields), AGENT)


def test_a_dispute_opens_with_its_reason_code_and_owner(account: LedgerService) -> None:
    open_dispute(account, reason_code="quality", owner="team-claims")

    dispute = account.account(ACCOUNT).disputes["D-1"]
    assert (dispute.reason_code, dispute.owner) == ("quality", "team-claims")


def test_without_a_code_a_dispute_is_other_and_unowned(account: LedgerService) -> None:
    open_dispute(account)

    dispute = account.account(ACCOUNT).disputes["D-1"]
    assert (dispute.reason_code, dispute.owner) == ("other", None)


def test_a_code_outside_the_configured_list_is_refused(account: LedgerService) -> None:
    with rejected(account, UnknownDisputeReason):
        open_dispute(account, reason_code="weather")


def test_the_list_is_a_setting_and_always_holds_other() -> None:
    service, _ = make_service(dispute_reason_codes=["late_delivery"])
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    with rejected(service, UnknownDisputeReason):
        open_dispute(service, reason_code="quality")
    open_dispute(service, reason_code="late_delivery")
    service.execute(ChangeDisputeReason(account=ACCOUNT, dispute_id="D-1", reason_code="other",
                                        reason="unclear"), MANAGER)


def test_reason_and_owner_changes_keep_their_history(account: LedgerService) -> None:
    open_dispute(account, reason_code="quality")
    account.execute(ChangeDisputeReason(account=ACCOUNT, dispute_id="D-1",
                                        reason_code="delivery", reason="carrier damage",
                                        effective_on=date(2026, 2, 3)), AGENT)
    account.execute(AssignDisputeOwner(account=ACCOUNT, dispute_id="D-1", owner="dana",
                                       reason="knows the carrier"), MANAGER)
    account.execute(AssignDisputeOwner(account=ACCOUNT, dispute_id="D-1", owner="team-logistics",
                                       reason="claim filed"), MANAGER)

    [changed] = events_of(account, "DisputeReasonChanged")
    assert changed["payload"] == {"dispute_id": "D-1", "reason_code": "delivery",
                                  "previous_code": "quality", "reason": "carrier damage"}
    assert (changed["actor_id"], changed["effective_on"]) == ("agent-1", "2026-02-03")
    owners = [(e["payload"]["previous_owner"], e["payload"]["owner"], e["actor_id"])
              for e in events_of(account, "DisputeOwnerAssigned")]
    assert owners == [(None, "dana", "manager-1"), ("dana", "team-logistics", "manager-1")]
    dispute = account.account(ACCOUNT).disputes["D-1"]
    assert (dispute.reason_code, dispute.owner) == ("delivery", "team-logistics")


def test_no_change_is_refused_and_a_resolved_dispute_takes_no_new_owner(
    account: LedgerService,
) -> None:
    open_dispute(account, reason_code="quality", owner="dana")
    with rejected(account, InvalidCommand):
        account.execute(ChangeDisputeReason(account=ACCOUNT, dispute_id="D-1",
                                            reason_code="quality", reason="same"), MANAGER)
    with rejected(account, InvalidCommand):
        account.execute(AssignDisputeOwner(account=ACCOUNT, dispute_id="D-1", owner="dana"),
                        MANAGER)
    account.execute(ResolveDispute(account=ACCOUNT, dispute_id="D-1", outcome="rejected",
                                   effective_on=date(2026, 2, 5)), MANAGER)
    with rejected(account, DisputeNotOpen):
        account.execute(AssignDisputeOwner(account=ACCOUNT, dispute_id="D-1", owner="eve"),
                        MANAGER)
    account.execute(ChangeDisputeReason(account=ACCOUNT, dispute_id="D-1", reason_code="pricing",
                                        reason="root cause found later"), MANAGER)


def test_a_dispute_stored_before_reason_codes_reads_as_other_with_its_digest_unchanged(
    tmp_path: Path,
) -> None:
    store = tmp_path / "release.db"
    shutil.copyfile(RELEASE_STORE, store)
    with sqlite3.connect(store) as db:
        rows = list(db.execute("SELECT originator_id, state FROM ledger_events "
                               "WHERE topic LIKE '%:DisputeOpened'"))
    assert rows and all(b"reason_code" not in bytes(state) for _, state in rows)
    service, _ = make_service(f"sqlite:///{store}")
    account_id = UUID(bytes=bytes(rows[0][0]))

    [opened, *_] = [e for e in service.app.events.get(account_id)
                    if type(e).__name__ == "DisputeOpened"]
    assert (opened.reason_code, opened.owner) == ("other", None)
    assert opened.recomputed_digest() == opened.digest
    service.read_models.catch_up()
    disputes = service.read_models.tables("open_items")["disputes"]
    codes = service.read_models.read(
        lambda session: set(session.execute(select(disputes.c.reason_code)).scalars()))
    assert codes == {"other"}
