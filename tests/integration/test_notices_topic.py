"""The notices relay against the real broker: each `NoticeSent` reaches the notices topic
once, keyed by its account, valid against the committed schema, without personal data;
nothing else of the log does, and a mailer can follow the message's path to the API."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import jsonschema
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from colledger.main import main
from consumers.notices_relay import NoticesRelay, notices_options
from infra.kafka_clients import KafkaSettings
from ledger.commands.accounts import ErasePersonalData, OpenAccount
from ledger.commands.base import Actor
from ledger.commands.collections import ProcessDay
from ledger.notices.published_schema import SCHEMA_PATH
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.integration.relay_checks import read_topic
from tests.unit.given import OPENED, an_invoice

pytestmark = pytest.mark.kafka

DAY = date(2026, 4, 1)
ACCOUNTS = ("ACC-N1", "ACC-N2", "ACC-N3")


def contact(number: str) -> dict[str, str]:
    return {"name": f"Jo Bloggs {number}", "email": f"ap@{number.lower()}.example.com",
            "language": "en", "address": "12 Quay Street", "city": "Manchester"}


def test_each_notice_sent_reaches_the_topic_once_without_personal_data(
    kafka_settings: KafkaSettings,
) -> None:
    ledger, _ = make_ledger()
    service = ledger.service
    for n, (number, overdue) in enumerate(zip(ACCOUNTS, (3, 18, 63), strict=True), 1):
        service.execute(OpenAccount(account=number, name=f"Debtor {number} Ltd", currency="USD",
                                    effective_on=OPENED, contact=contact(number)), MANAGER)
        an_invoice(service, "INV-1", f"{n}00.25", account=number,
                   due_date=DAY - timedelta(days=overdue))
        service.execute(ProcessDay(account=number, day=DAY), SERVICE)
    service.execute(ErasePersonalData(account="ACC-N3", reason="DSR-9"),
                    Actor("dpo-1", "compliance"))
    topic = f"test.notices.{uuid4().hex[:8]}"  # the relay creates it, as in production
    relay = NoticesRelay(service, kafka_settings,
                         replace(notices_options(batch_size=4), topic=topic))

    relay.catch_up()
    relay.catch_up()  # caught up: nothing sent again

    received = read_topic(kafka_settings, topic, at_least=len(ACCOUNTS))
    assert len(received) == len(ACCOUNTS)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    by_account = {r.envelope["account"]: r for r in received}
    assert sorted(by_account) == list(ACCOUNTS)
    for number, message in by_account.items():
        jsonschema.validate(message.envelope, schema)
        assert message.key == number.encode()
        assert message.headers["schema"] == b"collections.notices.v1"
        raw = json.dumps(message.envelope) + repr(message.headers)
        for personal in (*contact(number).values(), f"Debtor {number}"):
            if personal != "en":
                assert personal not in raw, (number, personal)
    assert [(by_account[n].envelope["level"], by_account[n].envelope["channel"])
            for n in ACCOUNTS] == [("reminder_1", "email"), ("reminder_2", "email"),
                                   ("hold_notice", "letter")]
    assert [by_account[n].envelope["invoices"][0]["amount"] for n in ACCOUNTS] == [
        "100.25", "200.25", "300.25"]
    assert [by_account[n].envelope["language"] for n in ACCOUNTS] == ["en", "en", None]
    assert relay.position() == max(int(n.id) for n in
                                   service.app.notifications_after(0, 10_000))

    client = TestClient(create_app(ledger, follow=False))
    key = ledger.keys.create("service", "mailer-1")[1]
    for number, expected in (("ACC-N1", 200), ("ACC-N3", 410)):
        fetched = client.get(by_account[number].envelope["message"], headers={"X-API-Key": key})
        assert fetched.status_code == expected, fetched.text
    assert client.get(by_account["ACC-N1"].envelope["message"],
                      headers={"X-API-Key": key}).json()["to"] == "ap@acc-n1.example.com"



def test_colledger_relay_notices_once_publishes_the_stores_notices(
    tmp_path: Path, kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger, _ = make_ledger(url)
    number = f"ACC-CLI-{uuid4().hex[:8]}"
    ledger.service.execute(OpenAccount(account=number, name="Debtor Ltd", currency="USD",
                                       effective_on=OPENED, contact=contact(number)), MANAGER)
    an_invoice(ledger.service, "INV-1", "42.00", account=number, due_date=DAY - timedelta(days=3))
    ledger.service.execute(ProcessDay(account=number, day=DAY), SERVICE)
    monkeypatch.setenv("COLLEDGER_KAFKA_BOOTSTRAP", kafka_settings.bootstrap)

    assert main(["--database-url", url, "relay", "--notices", "--once"]) == 0

    received = read_topic(kafka_settings, "collections.notices.v1", at_least=1)
    (mine,) = [r.envelope for r in received if r.envelope["account"] == number]
    assert (mine["notice_id"], mine["invoices"][0]["amount"]) == ("notice-20260401", "42.00")
