"""Legally required dunning levels: under cease-communication only they go, alone.

The policy is the committed example with its final notice (30 days, letter) marked
``legally_required``; the account owes invoices 2, 20 and 35 days past due.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from infra.dunning_file import EXAMPLE_FILE, load_dunning_file
from ledger.audit.policy_records import digest_of, policy_history
from ledger.canonical import document_digest
from ledger.commands.accounts import PlaceWithAgency, RequestCeaseCommunication
from ledger.commands.collections import ProcessDay
from ledger.daily_loop.dunning_dry_run import dunning_dry_run
from ledger.policies_in_force import policies_in_force
from ledger.service import LedgerService
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of

DAY = date(2026, 4, 1)
EXAMPLE = EXAMPLE_FILE.read_text()
FINAL_NOTICE = 'template = "final_notice"\nminimum_overdue = {}\nactions = []\n'
LEGAL = EXAMPLE.replace(FINAL_NOTICE + "legally_required = false",
                        FINAL_NOTICE + "legally_required = true")


def ledger_with(tmp_path: Path, policy: str, *invoice_days: int) -> LedgerService:
    path = tmp_path / "dunning.toml"
    path.write_text(policy)
    ledger, _ = make_ledger(dunning_policy_file=path)
    service = ledger.service
    an_account(service)
    for n, days in enumerate(invoice_days, start=1):
        an_invoice(service, f"INV-{n}", f"{n}00.00", due_date=DAY - timedelta(days=days))
    service.execute(RequestCeaseCommunication(account=ACCOUNT, reason="letter"), MANAGER)
    return service


def tick(service: LedgerService) -> tuple[str, ...]:
    return service.execute(ProcessDay(account=ACCOUNT, day=DAY), SERVICE).events


def test_the_file_marks_one_level_legally_required(tmp_path: Path) -> None:
    path = tmp_path / "dunning.toml"
    path.write_text(LEGAL)
    levels = load_dunning_file(path).for_segment("default").levels
    assert [level.name for level in levels if level.legally_required] == ["final_notice"]


def test_under_cease_communication_one_notice_lists_only_the_legally_required_invoices(
    tmp_path: Path,
) -> None:
    service = ledger_with(tmp_path, LEGAL, 2, 20, 35)

    assert tick(service) == ("ReminderSent", "NoticeSent")

    (notice,) = events_of(service, "NoticeSent")
    assert (notice["payload"]["level"], notice["payload"]["channel"]) == (
        "final_notice", "letter")
    assert [(i["invoice_id"], i["level"]) for i in notice["payload"]["invoices"]] == [
        ("INV-3", "final_notice")]
    (reminder,) = events_of(service, "ReminderSent")
    assert reminder["payload"]["invoice_id"] == "INV-3"
    levels = {i.invoice_id: i.dunning_levels for i in service.account(ACCOUNT).invoices.values()}
    assert levels["INV-1"] == levels["INV-2"] == [], "the others wait, as in a held run"


def test_levels_above_the_legally_required_one_wait(tmp_path: Path) -> None:
    service = ledger_with(tmp_path, LEGAL, 65)

    tick(service)

    (notice,) = events_of(service, "NoticeSent")
    assert [(i["invoice_id"], i["level"]) for i in notice["payload"]["invoices"]] == [
        ("INV-1", "final_notice")]
    assert events_of(service, "CreditHoldPlaced") == [], "the hold notice's level waits"


def test_under_cease_communication_nothing_goes_when_no_invoice_reached_such_a_level(
    tmp_path: Path,
) -> None:
    service = ledger_with(tmp_path, LEGAL, 2, 20)

    assert tick(service) == ()
    assert [p["held"] for p in dunning_dry_run(service, DAY)] == ["cease_communication"]


def test_a_policy_without_a_legally_required_level_holds_everything_as_before(
    tmp_path: Path,
) -> None:
    service = ledger_with(tmp_path, EXAMPLE, 2, 20, 35, 65)

    assert tick(service) == ()
    assert [p["held"] for p in dunning_dry_run(service, DAY)] == ["cease_communication"]


def test_an_agency_placement_holds_even_a_legally_required_notice(tmp_path: Path) -> None:
    service = ledger_with(tmp_path, LEGAL, 35)
    service.execute(PlaceWithAgency(account=ACCOUNT, agency_id="AGY-1"), MANAGER)

    assert tick(service) == ()
    assert [p["held"] for p in dunning_dry_run(service, DAY)] == ["agency_placement"]


@pytest.mark.parametrize("policy", [EXAMPLE, LEGAL], ids=["none-legal", "one-legal"])
def test_without_cease_communication_a_legally_required_level_changes_nothing(
    tmp_path: Path, policy: str,
) -> None:
    path = tmp_path / "dunning.toml"
    path.write_text(policy)
    ledger, _ = make_ledger(dunning_policy_file=path)
    service = ledger.service
    an_account(service)
    for n, days in enumerate((2, 20, 35), start=1):
        an_invoice(service, f"INV-{n}", "100.00", due_date=DAY - timedelta(days=days))

    tick(service)

    (notice,) = events_of(service, "NoticeSent")
    assert [i["level"] for i in notice["payload"]["invoices"]] == [
        "final_notice", "reminder_2", "reminder_1"]


def test_a_version_recorded_before_legally_required_keeps_its_digest(tmp_path: Path) -> None:
    """A document as recorded before the field existed has no ``legally_required`` key: the
    same policy today gives the same recorded document and digest, so loading it (with the
    field written out false) records no new version."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    changed = EXAMPLE.replace("quiet_period_days = 0", "quiet_period_days = 5")
    old_file = tmp_path / "old.toml"
    old_file.write_text(changed.replace("\nlegally_required = false", ""))
    first, _ = make_ledger(url, dunning_policy_file=old_file)
    (recorded,), _ = policy_history(first.app)
    stored = recorded.document
    assert all("legally_required" not in level
               for segment in stored["segments"].values() for level in segment["levels"])
    document = load_dunning_file(old_file)
    before_the_field = document.model_dump(mode="json")
    for segment in before_the_field["segments"].values():
        for level in segment["levels"]:
            del level["legally_required"]
    assert digest_of(document) == document_digest(before_the_field)

    new_file = tmp_path / "new.toml"
    new_file.write_text(changed)
    second, _ = make_ledger(url, dunning_policy_file=new_file)

    versions, broken = policy_history(second.app)
    assert broken is None and [v.version for v in versions] == [recorded.version]
    assert second.service.policies.dunning.versions()[-1].document.for_segment(
        "default").levels[2].legally_required is False

    legal_file = tmp_path / "legal.toml"
    legal_file.write_text(LEGAL.replace("quiet_period_days = 0", "quiet_period_days = 5"))
    third, _ = make_ledger(url, dunning_policy_file=legal_file)
    versions, _ = policy_history(third.app)
    assert len(versions) == 2
    assert versions[-1].document["segments"]["default"]["levels"][2]["legally_required"] is True


def test_the_policies_in_force_show_legally_required_on_every_level(tmp_path: Path) -> None:
    service = ledger_with(tmp_path, LEGAL)

    shown = policies_in_force(service.policies, DAY)["dunning"]["segments"]["default"]["levels"]

    assert [(level["name"], level["legally_required"]) for level in shown] == [
        ("reminder_1", False), ("reminder_2", False), ("final_notice", True),
        ("hold_notice", False), ("agency_warning", False)]
