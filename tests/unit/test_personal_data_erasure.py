"""Erasure by crypto-shredding: personal fields are ciphertext in every table, readable while
the account's key exists, unreadable after erasure; money and the hash chain do not move.

The world: ACC-1 (erased in the tests) and ACC-2 (a bystander), each with contact details,
two invoices, a payment, a dispute with the debtor's words, a promise and contact attempts
with notes. Every secret below is searched for in every column of every table.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, table, text

from api.app import create_app
from colledger.main import main as colledger
from ledger.aggregates import account_id_for
from ledger.aggregates.errors import AccountStandingConflict, UnknownCurrency
from ledger.audit.verification import verify_ledger
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.collections import MakePromise, OpenDispute, RecordContact
from ledger.event_messages import event_message
from ledger.personal_data import cipher, key_table
from ledger.personal_data.vault import PersonalDataVault
from ledger.projections.history import account_history
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SteppingClock, make_ledger, make_service
from tests.unit.given import a_payment, an_invoice

COMPLIANCE = MANAGER.__class__("compliance-1", "compliance")
NUMBERS = ("ACC-1", "ACC-2")


def secrets(number: str) -> dict[str, str]:
    """Personal values, distinct per account, unlikely to occur by chance in any column."""
    tag = number.replace("-", "").lower()
    return {
        "name": f"Marguerite Okonkwo-{tag}",
        "email": f"m.okonkwo.{tag}@example.org",
        "phone": f"+44 20 7946 0{tag[-1]}58",
        "note": f"spoke to Marguerite about her divorce ({tag})",
        "dispute": f"Marguerite says the invoice went to her old flat ({tag})",
    }


def fill(service: LedgerService, clock: SteppingClock, number: str) -> None:
    said = secrets(number)
    service.execute(OpenAccount(
        account=number, name=f"Debtor {number}", currency="USD", effective_on=date(2026, 1, 1),
        contact={"name": said["name"], "email": said["email"], "phone": said["phone"]},
    ), MANAGER)
    an_invoice(service, "INV-1", "1000.00", issue_date=date(2026, 1, 2), account=number)
    an_invoice(service, "INV-2", "250.00", issue_date=date(2026, 1, 20), account=number)
    an_invoice(service, "INV-E", "80.00", currency="EUR", issue_date=date(2026, 1, 5),
               account=number)
    a_payment(service, "PAY-1", "400.00", date(2026, 2, 3), account=number)
    clock.set_day(date(2026, 2, 10), time(10, 0))
    service.execute(OpenDispute(account=number, dispute_id="D-1", invoice_id="INV-2",
                                amount=Decimal("50.00"), reason=said["dispute"]), MANAGER)
    service.execute(MakePromise(account=number, promise_id="PR-1", amount=Decimal("300.00"),
                                currency="USD", due_date=date(2026, 3, 1)), AGENT)
    service.execute(RecordContact(account=number, contact_id="C-1", channel="call",
                                  outcome="conversation", note=said["note"],
                                  at=datetime(2026, 2, 10, 9, 30, tzinfo=UTC)), AGENT)
    service.execute(RecordContact(account=number, contact_id="C-2", channel="email",
                                  outcome="sent", at=datetime(2026, 2, 10, 9, 45, tzinfo=UTC)),
                    AGENT)


@pytest.fixture
def world(service: LedgerService, clock: SteppingClock) -> tuple[LedgerService, ReadModels]:
    for number in NUMBERS:
        fill(service, clock, number)
    models = ReadModels(service.app, clock=clock)
    models.catch_up()
    return service, models


def erase(service: LedgerService, models: ReadModels, number: str = "ACC-1") -> None:
    service.execute(ErasePersonalData(account=number, reason="GDPR art. 17 DSR-1"), COMPLIANCE)
    models.catch_up()


DAYS = (date(2026, 1, 31), date(2026, 2, 10), date(2026, 3, 15), date(2026, 6, 30))
PERSONAL_KEYS = ("contact", "version", "head_hash")


def financial_reads(service: LedgerService, models: ReadModels) -> dict[str, Any]:
    """Every read that carries money, for both accounts, as plain comparable data."""
    reads: dict[str, Any] = {}
    for day in DAYS:
        for by in ("account", "currency", "segment"):
            reads[f"aging {by} {day}"] = models.aging(day, by=by)
        for number in NUMBERS:
            view = service.account_as_of(number, day)
            view["flags"].pop("personal_data_erased")
            reads[f"account {number} {day}"] = {
                k: v for k, v in view.items() if k not in PERSONAL_KEYS
            }
    reads["open items"] = [
        {k: v for k, v in vars(row).items() if k != "personal_data_erased"}
        for row in models.accounts().items
    ]
    for number in NUMBERS:
        reads[f"statement {number}"] = models.statement(number, date(2026, 1, 1), date(2026, 6, 30))
        reads[f"balance {number}"] = [
            (c, service.account(number).balance(c)) for c in ("USD", "EUR")
        ]
    reads["kpis"] = models.kpis(date(2026, 1, 1), date(2026, 3, 31))
    reads["kpis by agent"] = models.kpis(date(2026, 1, 1), date(2026, 3, 31), agent=AGENT.actor_id)
    worklist = models.worklist(AGENT.actor_id, date(2026, 2, 20))
    assert worklist is not None
    reads["worklist"] = (worklist.items, worklist.excluded)
    return reads


def every_value(service: LedgerService) -> list[tuple[str, str]]:
    """(table, text) for every column of every row of every table in the database; bytes
    (event and snapshot state) decoded as UTF-8 where they can be."""
    engine = service.app.datastore.engine
    found = []
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            for row in connection.execute(select(text("*")).select_from(table(name))):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", errors="replace")
                    found.append((name, str(value)))
    return found


def plaintext_hits(service: LedgerService, number: str) -> list[tuple[str, str]]:
    wanted = list(secrets(number).values())
    return [(t, w) for t, v in every_value(service) for w in wanted if w in v]


def test_personal_values_are_ciphertext_in_every_table_snapshots_included(world: Any) -> None:
    service, _ = world
    service.app.take_snapshot(account_id_for("ACC-1"))
    values = every_value(service)
    tables = {t for t, _ in values}
    assert {"ledger_events", "ledger_snapshots", "personal_data_keys"} <= tables
    assert any("Debtor ACC-1" in v for t, v in values if t == "ledger_snapshots")  # scan works
    assert any("INV-E" in v for t, v in values if t == "ledger_events")
    assert plaintext_hits(service, "ACC-1") == []
    assert plaintext_hits(service, "ACC-2") == []
    assert any(cipher.PREFIX in v for t, v in values if t == "ledger_snapshots")


def test_published_event_messages_carry_the_ciphertext_only(world: Any) -> None:
    service, _ = world
    said = secrets("ACC-1")
    messages = [event_message(e, v).value.decode()
                for v, e in enumerate(service.app.account_events(account_id_for("ACC-1")), 1)]
    assert any("Debtor ACC-1" in m for m in messages)
    assert [w for m in messages for w in said.values() if w in m] == []
    assert sum(m.count(cipher.PREFIX) for m in messages) == 5


def test_reads_show_personal_fields_in_clear_while_the_key_exists(world: Any) -> None:
    service, models = world
    said = secrets("ACC-1")
    view = service.account_as_of("ACC-1", date(2026, 2, 10))
    assert view["contact"] == {"name": said["name"], "email": said["email"],
                               "phone": said["phone"]}
    history = {e["type"] + e["payload"].get("contact_id", ""): e["payload"]
               for e in service.history("ACC-1")}
    assert history["ContactAttemptedC-1"]["note"] == said["note"]
    assert history["ContactAttemptedC-2"]["note"] == ""
    assert history["DisputeOpened"]["reason"] == said["dispute"]
    page = models.read(lambda s: account_history(s, models.tables("history"), "ACC-1"))
    assert [e.payload for e in page.items] == [e["payload"] for e in service.history("ACC-1")]


def test_erasure_changes_no_financial_read_and_verification_still_passes(world: Any) -> None:
    service, models = world
    before = financial_reads(service, models)
    assert verify_ledger(service.app).ok

    erase(service, models)

    assert financial_reads(service, models) == before
    report = verify_ledger(service.app)
    events = sum(len(list(service.history(n))) for n in NUMBERS)
    assert (report.ok, report.accounts, report.events) == (True, 2, events)
    assert verify_ledger(service.app, "ACC-1").ok
    service.app.take_snapshot(account_id_for("ACC-1"))
    assert service.account("ACC-1").personal_data_erased  # the chain replays from the store


def test_after_erasure_every_read_shows_the_personal_fields_as_erased(world: Any) -> None:
    service, models = world
    before_erasure = service.clock()
    erase(service, models)

    view = service.account_as_of("ACC-1", date(2026, 2, 10))
    assert (view["contact"], view["flags"]["personal_data_erased"]) == (None, True)
    as_known = service.account_as_of("ACC-1", date(2026, 2, 10), known_at=before_erasure)
    assert as_known["contact"] == {"name": None, "email": None, "phone": None}
    history = list(service.history("ACC-1"))
    page = models.read(lambda s: account_history(s, models.tables("history"), "ACC-1"))
    for payloads in ([e["payload"] for e in history], [e.payload for e in page.items]):
        by_type = {e["type"] + p.get("contact_id", ""): p
                   for e, p in zip(history, payloads, strict=True)}
        assert by_type["AccountOpened"]["contact"] == {"name": None, "email": None,
                                                       "phone": None}
        assert by_type["DisputeOpened"]["reason"] is None
        assert (by_type["ContactAttemptedC-1"]["note"], by_type["ContactAttemptedC-2"]["note"]) \
            == (None, "")
        assert by_type["PersonalDataErased"]["reason"] == "GDPR art. 17 DSR-1"
    assert history[-1]["actor_id"] == "compliance-1"
    assert service.account_as_of("ACC-2", date(2026, 2, 10))["contact"]["name"] == (
        secrets("ACC-2")["name"]
    )


def test_after_erasure_no_table_holds_the_personal_values_or_the_key(world: Any) -> None:
    service, models = world
    service.app.take_snapshot(account_id_for("ACC-1"))
    erase(service, models)
    service.app.take_snapshot(account_id_for("ACC-1"))

    assert plaintext_hits(service, "ACC-1") == []
    with service.app.datastore.transaction(commit=False) as session:
        assert key_table.find(session, account_id_for("ACC-1")) is None
        assert key_table.find(session, account_id_for("ACC-2")) is not None


def test_a_token_moved_to_another_account_or_field_does_not_decrypt(world: Any) -> None:
    service, _ = world
    one, two = account_id_for("ACC-1"), account_id_for("ACC-2")
    token = service.account("ACC-1").contact["email"]
    with service.app.datastore.transaction(commit=False) as session:
        vault = PersonalDataVault(session)
        assert vault.reveal(one, "AccountOpened.contact.email", token) == secrets("ACC-1")["email"]
        assert vault.reveal(one, "AccountOpened.contact.name", token) is None
        assert vault.reveal(two, "AccountOpened.contact.email", token) is None
        key_two = key_table.find(session, two)
    assert key_two is not None
    assert cipher.unseal(key_two, two, "AccountOpened.contact.email", token) is None
    assert cipher.unseal(key_two, two, "AccountOpened.contact.email",
                         token[:-4] + "AAA=") is None


def test_erasing_twice_is_refused_and_leaves_one_erasure(world: Any) -> None:
    service, models = world
    erase(service, models)
    with pytest.raises(AccountStandingConflict):
        erase(service, models)
    assert [e["type"] for e in service.history("ACC-1")].count("PersonalDataErased") == 1


def test_an_erased_account_takes_no_new_personal_data_but_keeps_being_worked(
    world: Any,
) -> None:
    service, models = world
    erase(service, models)
    with pytest.raises(AccountStandingConflict, match="accepts no new personal data"):
        service.execute(RecordContact(account="ACC-1", contact_id="C-3", channel="letter",
                                      outcome="sent", note="new address: 4 Elm Row",
                                      at=datetime(2026, 2, 11, 10, 0, tzinfo=UTC)), AGENT)
    with pytest.raises(AccountStandingConflict):
        service.execute(OpenDispute(account="ACC-1", dispute_id="D-2", invoice_id="INV-1",
                                    amount=Decimal("5.00"), reason="her new partner says no"),
                        MANAGER)
    service.execute(RecordContact(account="ACC-1", contact_id="C-3", channel="letter",
                                  outcome="sent", at=datetime(2026, 2, 11, 10, 0, tzinfo=UTC)),
                    AGENT)
    with service.app.datastore.transaction(commit=False) as session:
        assert key_table.find(session, account_id_for("ACC-1")) is None


def test_a_refused_command_leaves_no_key_and_an_account_without_personal_data_needs_none(
    service: LedgerService,
) -> None:
    with pytest.raises(UnknownCurrency):
        service.execute(OpenAccount(account="ACC-9", name="N", currency="XYZ",
                                    contact={"email": "x@y.example"}),
                        MANAGER)
    service.execute(OpenAccount(account="ACC-8", name="N", currency="USD"), MANAGER)
    with service.app.datastore.transaction(commit=False) as session:
        assert key_table.find(session, account_id_for("ACC-9")) is None
        assert key_table.find(session, account_id_for("ACC-8")) is None


def test_the_api_shows_contact_details_until_compliance_erases_them() -> None:
    ledger, clock = make_ledger()
    fill(ledger.service, clock, "ACC-1")
    app = create_app(ledger, follow=False)
    client = TestClient(app)
    keys = {role: app.state.keys.create(role, f"{role}-1")[1]
            for role in ("manager", "compliance")}

    def get(path: str) -> Any:
        response = client.get(path, headers={"X-API-Key": keys["manager"]})
        assert response.status_code == 200, response.text
        return response.json()

    assert get("/accounts/ACC-1")["contact"]["email"] == secrets("ACC-1")["email"]
    erased = client.post("/accounts/ACC-1/personal-data-erasure", json={"reason": "DSR-7"},
                         headers={"X-API-Key": keys["compliance"]})
    again = client.post("/accounts/ACC-1/personal-data-erasure", json={"reason": "DSR-7b"},
                        headers={"X-API-Key": keys["compliance"]})
    assert (erased.status_code, again.status_code) == (201, 409)
    app.state.read_models.catch_up()
    account = get("/accounts/ACC-1")
    assert (account["contact"], account["flags"]["personal_data_erased"]) == (None, True)
    notes = [e["payload"].get("note") for e in get("/accounts/ACC-1/history")["items"]
             if e["type"] == "ContactAttempted"]
    assert notes == [None, ""]


def test_colledger_erase_runs_as_compliance_and_account_show_says_erased(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service, clock = make_service(url)
    fill(service, clock, "ACC-1")
    base = ["--database-url", url]

    assert colledger([*base, "account", "show", "ACC-1", "--as-of", "2026-02-10"]) == 0
    assert secrets("ACC-1")["email"] in capsys.readouterr().out
    assert colledger([*base, "erase", "ACC-1", "--reason", "DSR-9", "--actor", "dpo-1"]) == 0
    assert "personal data erased" in capsys.readouterr().out
    assert colledger([*base, "erase", "ACC-1", "--reason", "DSR-9"]) == 2
    assert colledger([*base, "account", "show", "ACC-1", "--as-of", "2026-02-10",
                      "--known-at", "2026-02-10T12:00:00Z"]) == 0
    shown = capsys.readouterr().out
    assert "email [erased]" in shown and secrets("ACC-1")["email"] not in shown
    last = list(make_service(url)[0].history("ACC-1"))[-1]
    assert (last["type"], last["actor_id"], last["actor_role"]) == (
        "PersonalDataErased", "dpo-1", "compliance")
