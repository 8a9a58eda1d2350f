"""A statement of account on demand (`SendStatement`): what its `NoticeSent` lists, and the
cases in which it is refused, each writing no event.

The account (USD, contact with e-mail and postal address) owes INV-1 (past due), INV-2
(partly disputed), INV-3 (wholly disputed) and INV-4 (not yet due); INV-5 is paid; a EUR
payment with no EUR invoice to pay is unapplied credit.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.aggregates.contact_refusals import AccountPlaced, CeaseCommunicationRequested
from ledger.aggregates.statement_notices import (
    ContactErased,
    NoAddressForChannel,
    NothingToState,
)
from ledger.commands.accounts import (
    ErasePersonalData,
    OpenAccount,
    PlaceWithAgency,
    ReferToLegal,
    RequestCeaseCommunication,
)
from ledger.commands.base import Actor
from ledger.commands.collections import OpenDispute, ProcessDay
from ledger.commands.statements import SendStatement
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SERVICE, SteppingClock
from tests.unit.given import ACCOUNT, OPENED, a_payment, an_invoice, events_of, rejected

DAY = date(2026, 4, 1)
COMPLIANCE = Actor("compliance-1", "compliance")
CONTACT = {"name": "Jo Bloggs", "email": "jo@example.com", "address": "1 Main St"}


def open_account(service: LedgerService, contact: dict[str, str] | None = None,
                 number: str = ACCOUNT) -> None:
    service.execute(OpenAccount(account=number, name="Acme Trading", currency="USD",
                                effective_on=OPENED, contact=contact), MANAGER)


@pytest.fixture(autouse=True)
def today(clock: SteppingClock) -> None:
    clock.set_day(DAY)


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    open_account(service, CONTACT)
    for invoice_id, amount, due in (("INV-1", "1000.00", DAY - timedelta(days=40)),
                                    ("INV-2", "500.00", DAY - timedelta(days=10)),
                                    ("INV-3", "300.00", DAY - timedelta(days=5)),
                                    ("INV-4", "250.00", DAY + timedelta(days=10)),
                                    ("INV-5", "80.00", DAY - timedelta(days=20))):
        an_invoice(service, invoice_id, amount, due_date=due)
    a_payment(service, "PAY-1", "80.00", DAY - timedelta(days=3), allocations=[("INV-5", "80")])
    a_payment(service, "PAY-EUR", "150.00", DAY - timedelta(days=2), currency="EUR")
    for dispute_id, invoice_id, amount in (("D-2", "INV-2", "200.00"), ("D-3", "INV-3", "300")):
        service.execute(OpenDispute(account=ACCOUNT, dispute_id=dispute_id, invoice_id=invoice_id,
                                    amount=amount, reason="x", effective_on=DAY), AGENT)
    return service


def send(service: LedgerService, **fields: object) -> tuple[str, ...]:
    command = SendStatement(account=ACCOUNT, **{"as_of": DAY, "reason": "asked by phone",
                                                **fields})
    return service.execute(command, AGENT).events


def test_a_statement_lists_every_open_item_with_disputed_parts_and_unapplied_credit(
    account: LedgerService,
) -> None:
    assert send(account) == ("NoticeSent",)

    (notice,) = events_of(account, "NoticeSent")
    payload = notice["payload"]
    assert notice["effective_on"] == DAY.isoformat()
    assert {k: payload[k] for k in ("notice_id", "level", "channel", "template")} == {
        "notice_id": "statement-20260401-1", "level": "statement", "channel": "email",
        "template": "statement"}
    assert [(i["invoice_id"], i["level"], i["days_past_due"], i["amount"], i["disputed"])
            for i in payload["invoices"]] == [
        ("INV-1", "open", 40, "1000.00", "0"),
        ("INV-2", "partly_disputed", 10, "300.00", "200.00"),
        ("INV-3", "disputed", 5, "0.00", "300.00"),
        ("INV-4", "open", -10, "250.00", "0"),
    ]
    assert payload["credits"] == [{"currency": "EUR", "amount": "150.00"}]
    assert account.account(ACCOUNT).notices_to_deliver() == ["statement-20260401-1"]


def test_a_statement_starts_no_quiet_period_and_reaches_no_dunning_level(
    account: LedgerService,
) -> None:
    send(account)

    state = account.account(ACCOUNT)
    assert state.last_notice_on is None
    assert all(invoice.dunning_levels == [] for invoice in state.invoices.values())
    assert "NoticeSent" in account.execute(ProcessDay(account=ACCOUNT, day=DAY), SERVICE).events


def test_a_statement_as_of_an_earlier_day_lists_what_was_open_then(
    account: LedgerService,
) -> None:
    earlier = DAY - timedelta(days=4)

    send(account, as_of=earlier, channel="letter")

    (notice,) = events_of(account, "NoticeSent")
    assert notice["effective_on"] == earlier.isoformat()
    payload = notice["payload"]
    assert [(i["invoice_id"], i["level"], i["amount"]) for i in payload["invoices"]] == [
        ("INV-1", "open", "1000.00"), ("INV-5", "open", "80.00"), ("INV-2", "open", "500.00"),
        ("INV-3", "open", "300.00"), ("INV-4", "open", "250.00")]
    assert payload["credits"] == [] and payload["channel"] == "letter"
    assert account.account(ACCOUNT).notices_to_deliver("letter") == ["statement-20260328-1"]


def test_a_second_statement_the_same_day_gets_the_next_number(account: LedgerService) -> None:
    send(account)
    send(account, channel="letter")

    assert [e["payload"]["notice_id"] for e in events_of(account, "NoticeSent")] == [
        "statement-20260401-1", "statement-20260401-2"]


def test_an_erased_contact_gets_no_statement(account: LedgerService) -> None:
    account.execute(ErasePersonalData(account=ACCOUNT, reason="request"), COMPLIANCE)

    with rejected(account, ContactErased):
        send(account, customer_request=True)


@pytest.mark.parametrize(("contact", "channel", "detail"), [
    ({"name": "Jo", "address": "1 Main St"}, "email", "'email'"),
    ({"name": "Jo", "email": "jo@example.com"}, "letter", "'address'"),
    (None, "email", "'email'"),
])
def test_no_statement_goes_by_a_channel_the_contact_has_no_address_for(
    service: LedgerService, contact: dict[str, str] | None, channel: str, detail: str,
) -> None:
    open_account(service, contact)
    an_invoice(service, "INV-1", "100.00", due_date=DAY)

    with rejected(service, NoAddressForChannel) as refused:
        send(service, channel=channel)
    assert detail in str(refused.value) and channel in str(refused.value)


def test_under_cease_communication_a_statement_goes_only_at_the_customers_request(
    account: LedgerService,
) -> None:
    account.execute(RequestCeaseCommunication(account=ACCOUNT, reason="letter"), MANAGER)

    with rejected(account, CeaseCommunicationRequested) as refused:
        send(account)
    assert refused.value.rule() == "contact-refused/cease-communication"
    assert send(account, customer_request=True) == ("NoticeSent",)


@pytest.mark.parametrize("placement", [
    PlaceWithAgency(account=ACCOUNT, agency_id="AGY-1"),
    ReferToLegal(account=ACCOUNT, reason="claim"),
], ids=["agency", "legal"])
def test_a_placed_account_gets_a_statement_only_at_the_customers_request(
    account: LedgerService, placement: PlaceWithAgency | ReferToLegal,
) -> None:
    account.execute(placement, MANAGER)

    with rejected(account, AccountPlaced):
        send(account)
    assert send(account, customer_request=True) == ("NoticeSent",)


def test_nothing_open_and_no_credit_is_nothing_to_state(service: LedgerService) -> None:
    open_account(service, CONTACT)
    an_invoice(service, "INV-1", "100.00", due_date=DAY)
    a_payment(service, "PAY-1", "100.00", DAY - timedelta(days=1), allocations=[("INV-1", "100")])

    with rejected(service, NothingToState):
        send(service)


def test_unapplied_credit_alone_is_a_statement(service: LedgerService) -> None:
    open_account(service, CONTACT)
    a_payment(service, "PAY-1", "40.00", DAY - timedelta(days=1))

    send(service)

    (notice,) = events_of(service, "NoticeSent")
    assert (notice["payload"]["invoices"], notice["payload"]["credits"]) == (
        [], [{"currency": "USD", "amount": "40.00"}])
