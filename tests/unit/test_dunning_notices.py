"""Dunning per segment: grouped notices, the policy file and its recorded versions.

The account owes USD on invoices due at different dates; ticks run the dunning.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from infra.dunning_file import EXAMPLE_FILE, DunningFileInvalid, load_dunning_file
from ledger.aggregates.dunning_policies import DUNNING_POLICY_ID
from ledger.audit.policy_records import policy_history, record_policy
from ledger.audit.verification import verify_ledger
from ledger.commands.accounts import RequestCeaseCommunication
from ledger.commands.collections import OpenDispute, ProcessDay
from ledger.daily_loop.dunning_dry_run import dunning_dry_run
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SERVICE, make_ledger
from tests.unit.given import ACCOUNT, an_account, an_invoice, events_of

DAY = date(2026, 4, 1)
EXAMPLE = EXAMPLE_FILE.read_text()


def due(days_past_due: int) -> date:
    return DAY - timedelta(days=days_past_due)


def tick(service: LedgerService, day: date = DAY) -> tuple[str, ...]:
    return service.execute(ProcessDay(account=ACCOUNT, day=day), SERVICE).events


def notices(service: LedgerService) -> list[dict[str, object]]:
    return [event["payload"] for event in events_of(service, "NoticeSent")]


def policy_file(tmp_path: Path, text_: str, name: str = "dunning.toml") -> Path:
    path = tmp_path / name
    path.write_text(text_)
    return path


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    return service


def test_invoices_at_three_levels_get_one_notice_at_the_highest_listing_all(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00", due_date=due(2))
    an_invoice(account, "INV-2", "200.00", due_date=due(20))
    an_invoice(account, "INV-3", "300.00", due_date=due(35))

    assert tick(account).count("NoticeSent") == 1
    (notice,) = notices(account)
    assert (notice["level"], notice["channel"], notice["template"]) == (
        "final_notice", "letter", "final_notice")
    assert [(i["invoice_id"], i["level"], i["amount"]) for i in notice["invoices"]] == [
        ("INV-3", "final_notice", "300.00"),
        ("INV-2", "reminder_2", "200.00"),
        ("INV-1", "reminder_1", "100.00"),
    ]


def test_a_disputed_invoice_is_left_out_and_its_undisputed_sibling_is_in(
    account: LedgerService,
) -> None:
    an_invoice(account, "INV-1", "100.00", due_date=due(5))
    an_invoice(account, "INV-2", "200.00", due_date=due(5))
    an_invoice(account, "INV-3", "300.00", due_date=due(5))
    for dispute_id, invoice_id, amount in (("D-1", "INV-1", "100.00"), ("D-3", "INV-3", "50")):
        account.execute(OpenDispute(account=ACCOUNT, dispute_id=dispute_id, invoice_id=invoice_id,
                                    amount=amount, reason="x", effective_on=DAY), AGENT)

    tick(account)

    (notice,) = notices(account)
    assert [(i["invoice_id"], i["amount"]) for i in notice["invoices"]] == [
        ("INV-2", "200.00"), ("INV-3", "250.00")]


def test_the_quiet_period_holds_a_second_notice(tmp_path: Path) -> None:
    quiet = EXAMPLE.replace("quiet_period_days = 0", "quiet_period_days = 10").replace(
        "effective_from = 2000-01-01", "effective_from = 2001-01-01")
    ledger, _ = make_ledger(dunning_policy_file=policy_file(tmp_path, quiet))
    service = ledger.service
    an_account(service)
    an_invoice(service, "INV-1", "100.00", due_date=due(1))
    an_invoice(service, "INV-2", "100.00", due_date=due(-5))

    tick(service)
    assert tick(service, DAY + timedelta(days=9)) == ()
    tick(service, DAY + timedelta(days=10))

    assert [(n["level"], [i["invoice_id"] for i in n["invoices"]]) for n in notices(service)] == [
        ("reminder_1", ["INV-1"]), ("reminder_1", ["INV-2"])]


def test_an_account_under_cease_communication_gets_nothing(account: LedgerService) -> None:
    an_invoice(account, "INV-1", "100.00", due_date=due(40))
    account.execute(RequestCeaseCommunication(account=ACCOUNT, reason="letter"), MANAGER)

    assert tick(account) == ()


def test_a_level_below_its_minimum_overdue_amount_waits(tmp_path: Path) -> None:
    minimum = EXAMPLE.replace('template = "reminder_1"\nminimum_overdue = {}',
                              'template = "reminder_1"\nminimum_overdue = {USD = "150.00"}')
    ledger, _ = make_ledger(dunning_policy_file=policy_file(tmp_path, minimum))
    service = ledger.service
    an_account(service)
    an_invoice(service, "INV-1", "100.00", due_date=due(1))

    assert tick(service) == ()
    an_invoice(service, "INV-2", "100.00", due_date=due(1))
    tick(service)

    (notice,) = notices(service)
    assert [i["invoice_id"] for i in notice["invoices"]] == ["INV-1", "INV-2"]


def test_a_changed_file_records_a_new_version_and_the_run_uses_the_one_in_force(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first, _ = make_ledger(url, dunning_policy_file=policy_file(tmp_path, EXAMPLE))
    assert policy_history(first.app)[0] == [], "the built-in policy is not recorded"
    later = EXAMPLE.replace("effective_from = 2000-01-01", "effective_from = 2026-04-02").replace(
        'name = "reminder_1"\ndays_past_due = 1\nchannel = "email"',
        'name = "reminder_1"\ndays_past_due = 1\nchannel = "call_task"')
    second, _ = make_ledger(url, dunning_policy_file=policy_file(tmp_path, later, "b.toml"))
    make_ledger(url, dunning_policy_file=tmp_path / "b.toml")  # a second server, same file
    service = second.service
    an_account(service)
    an_invoice(service, "INV-1", "100.00", due_date=due(1))
    an_invoice(service, "INV-2", "100.00", due_date=due(0))

    tick(service)
    tick(service, DAY + timedelta(days=1))

    recorded, broken = policy_history(service.app)
    assert broken is None and [e.version for e in recorded] == [1]
    assert [(n["channel"], n["policy_version"]) for n in notices(service)] == [
        ("email", 0), ("call_task", 1)]
    assert first.service.policies.dunning.versions()[0].version == 1, "both servers agree"


def test_a_bad_file_is_refused_naming_the_level_and_field(tmp_path: Path) -> None:
    bad = EXAMPLE.replace('channel = "letter"\ntemplate = "final_notice"',
                          'channel = "fax"\ntemplate = "final_notice"')

    with pytest.raises(DunningFileInvalid, match=r"segments\.default\.levels\[2\] "
                       r"\(final_notice\)\.channel: Input should be 'email'"):
        make_ledger(dunning_policy_file=policy_file(tmp_path, bad))
    with pytest.raises(DunningFileInvalid, match="days_past_due strictly ascending"):
        load_dunning_file(policy_file(tmp_path, EXAMPLE.replace(
            "days_past_due = 15", "days_past_due = 1")))


def test_the_policy_stream_verifies_and_an_edited_version_is_detected(tmp_path: Path) -> None:
    changed = EXAMPLE.replace("quiet_period_days = 0", "quiet_period_days = 7")
    ledger, clock = make_ledger(dunning_policy_file=policy_file(tmp_path, changed))
    record_policy(ledger.app, load_dunning_file(policy_file(tmp_path, EXAMPLE, "c.toml")),
                  "c.toml", clock())
    assert verify_ledger(ledger.app).ok

    app = ledger.app
    record = app.events_record
    with app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(record.originator_id == DUNNING_POLICY_ID,
                                           record.originator_version == 2).one()
        state = json.loads(bytes(row.state))
        state["document"]["segments"]["default"]["paused"] = True
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state).encode(), "id": row.id})

    report = verify_ledger(app)
    assert [(b.account_id, b.kind) for b in report.breaks] == [
        ("dunning-policy", "payload-changed")]


def test_a_paused_segment_gets_nothing_and_the_dry_run_says_why(tmp_path: Path) -> None:
    paused = EXAMPLE + "\n[segments.standard]\npaused = true\n" + "".join(
        block for block in EXAMPLE.split("[[segments.default.levels]]")[1:2]
    ).join(["[[segments.standard.levels]]", ""])
    ledger, _ = make_ledger(dunning_policy_file=policy_file(tmp_path, paused))
    service = ledger.service
    an_account(service)  # segment "standard"
    an_invoice(service, "INV-1", "100.00", due_date=due(40))

    assert [p["held"] for p in dunning_dry_run(service, DAY)] == ["paused"]
    assert tick(service) == ()
    assert policy_history(service.app)[0][0].document["segments"]["standard"]["paused"]


def test_a_second_run_on_one_day_sends_a_notice_of_its_own_id(account: LedgerService) -> None:
    """New facts since the day's first run (an invoice recorded late, already overdue): the
    second run's notice is `notice-<day>-2`, so its delivery and its read-model row are its
    own (the activity projection keys notices by account and id)."""
    an_invoice(account, "INV-1", "100.00", due_date=due(5))
    tick(account)
    an_invoice(account, "INV-2", "200.00", due_date=due(5))
    tick(account)
    assert [n["notice_id"] for n in notices(account)] == ["notice-20260401", "notice-20260401-2"]
    account.read_models.catch_up()
    assert not account.read_models.status().quarantines
