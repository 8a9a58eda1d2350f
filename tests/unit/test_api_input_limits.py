"""Input limits through the HTTP API: every bad value is a 422 naming its rule, and
writes nothing (docs/domain.md, Input limits). One test per defect the read side met:
an accepted 10^23 amount or a NUL in a reference halted every read model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth_throttle import FailedAuthentications
from ledger.currencies import maximum_amount, minor_units
from ledger.service import LedgerService
from tests.builders import make_ledger
from tests.unit.given import an_account, an_invoice, store_position

TODAY = date(2026, 3, 10)
ACCOUNT = "ACC-1"


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[LedgerService, TestClient, dict[str, str]]]:
    """A ledger whose clock stays on TODAY (it does not follow business dates)."""
    ledger, clock = make_ledger(follow_business_dates=False)
    service = ledger.service
    clock.set_day(TODAY)
    an_account(service, ACCOUNT)
    an_invoice(service, "INV-1", "1000.00")
    app = create_app(ledger, follow=False,
                     failed_authentications=FailedAuthentications(limit=1_000_000))
    key = app.state.keys.create("manager", "manager-1")[1]
    with TestClient(app) as client:
        yield service, client, {"X-API-Key": key}


def post(world: Any, path: str, body: Any = None, content: bytes | None = None) -> httpx.Response:
    service, client, headers = world
    before = store_position(service)
    if content is None:
        response = client.post(path, json=body, headers=headers)
    else:
        response = client.post(path, content=content,
                               headers={**headers, "Content-Type": "application/json"})
    if response.status_code >= 400:
        assert store_position(service) == before, "a refused request wrote something"
        assert response.headers["content-type"] == "application/problem+json"
    return response


def rule(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["type"]).removeprefix("urn:colledger:problem:")


def invoice(**fields: Any) -> dict[str, Any]:
    return {"invoice_id": "INV-X", "amount": "10.00", "currency": "EUR",
            "issue_date": str(TODAY), **fields}


INVOICES = f"/accounts/{ACCOUNT}/invoices"


def test_an_amount_of_ten_to_the_twenty_three_is_refused(world: Any) -> None:
    """It was accepted (201) and then halted every projection for good."""
    response = post(world, INVOICES, invoice(amount="100000000000000000000000.00"))
    assert rule(response) == "validation-error"
    assert "plain decimal amount" in response.text


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
def test_one_minor_unit_above_the_currencys_maximum_is_refused_and_the_maximum_is_not(
    world: Any, currency: str
) -> None:
    top = maximum_amount(currency)
    above = top + Decimal(1).scaleb(minor_units(currency) * -1)
    refused = post(world, INVOICES, invoice(invoice_id=f"ABOVE-MAX-{currency}", amount=str(above),
                                            currency=currency))
    assert rule(refused) == "amount-above-maximum", refused.text
    assert str(top) in refused.json()["detail"]
    accepted = post(world, INVOICES, invoice(invoice_id=f"MAX-{currency}", amount=str(top),
                                             currency=currency))
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("text", ["a\u0000b", "line\nbreak", "bell\u0007", "c1\u0085"])
def test_a_reference_with_a_control_character_is_refused(world: Any, text: str) -> None:
    response = post(world, INVOICES, invoice(invoice_id="INV-NUL", reference=text))
    assert rule(response) == "validation-error"
    assert "control character" in response.text


def test_a_note_keeps_tabs_and_line_breaks_but_not_nul(world: Any) -> None:
    path = f"/accounts/{ACCOUNT}/credit-holds"
    assert rule(post(world, path, {"reason": "held\u0000"})) == "validation-error"
    assert post(world, path, {"reason": "held:\n\tlimit breached"}).status_code == 201


@pytest.mark.parametrize("amount", ["1e2", " 10.00 ", "1_000.00", "\u0661\u0660\u0660",
                                    "\uff11\uff10\uff10", 100, 100.5, "-10.00", "+10.00",
                                    "10.", ".5", "NaN", "Infinity", "0x10"])
def test_an_amount_that_is_not_a_plain_ascii_decimal_string_is_refused(
    world: Any, amount: Any
) -> None:
    assert rule(post(world, INVOICES, invoice(invoice_id="INV-A", amount=amount))) \
        == "validation-error"


@pytest.mark.parametrize("number", ["../x", "a/b", "a..b", "x.", ".x", "has space",
                                    "x" * 65, "\u00e9t\u00e9"])
def test_an_account_number_outside_the_identifier_pattern_is_refused(
    world: Any, number: str
) -> None:
    body = {"account": number, "name": "Odd", "currency": "EUR"}
    assert rule(post(world, "/accounts", body)) == "validation-error"


def test_a_body_with_a_repeated_key_is_refused_not_read_last_wins(world: Any) -> None:
    content = (b'{"invoice_id": "INV-D", "amount": "10.00", "amount": "1000000.00", '
               b'"currency": "EUR", "issue_date": "2026-03-10"}')
    response = post(world, INVOICES, content=content)
    assert rule(response) == "duplicate-json-key"
    assert "'amount'" in response.json()["detail"]


@pytest.mark.parametrize("content", [
    b'{"invoice_id": "INV-N", "amount": NaN}',
    b'{"invoice_id": "INV-\\ud800", "amount": "10.00", "currency": "EUR"}',
], ids=["nan", "lone-surrogate"])
def test_a_body_that_is_not_strict_json_is_refused(world: Any, content: bytes) -> None:
    assert rule(post(world, INVOICES, content=content)) == "invalid-json"


@pytest.mark.parametrize("content", [
    '{"invoice_id": "INV-U", "amount": "10.00"}'.encode("utf-16"),
    b'{"invoice_id": "INV-L1", "amount": "10.00", "reference": "caf\xe9"}',
], ids=["utf-16", "latin-1"])
def test_a_body_that_is_not_utf8_is_a_400(world: Any, content: bytes) -> None:
    response = post(world, INVOICES, content=content)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:colledger:problem:body-not-utf8"


def test_a_payment_received_tomorrow_is_refused(world: Any) -> None:
    body = {"payment_id": "PAY-T", "amount": "10.00", "currency": "EUR",
            "received_on": str(TODAY + timedelta(days=2))}
    response = post(world, f"/accounts/{ACCOUNT}/payments", body)
    assert rule(response) == "future-date"


def test_a_call_dated_2030_is_refused(world: Any) -> None:
    body = {"contact_id": "C-2030", "channel": "call", "outcome": "no_answer",
            "at": "2030-01-07T10:00:00Z"}
    assert rule(post(world, f"/accounts/{ACCOUNT}/contacts", body)) == "future-date"


def test_an_invoice_may_be_dated_up_to_a_year_ahead_and_no_further(world: Any) -> None:
    far = invoice(invoice_id="INV-FAR", issue_date=str(TODAY + timedelta(days=400)))
    assert rule(post(world, INVOICES, far)) == "future-date"
    near = invoice(invoice_id="INV-NEAR", issue_date=str(TODAY + timedelta(days=300)))
    assert post(world, INVOICES, near).status_code == 201


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "0001-01-01", "20260310",
                                 "2026-02-30"])
def test_a_date_outside_the_calendar_the_ledger_keeps_is_refused(world: Any, day: str) -> None:
    assert rule(post(world, INVOICES, invoice(invoice_id="INV-OLD", issue_date=day))) \
        == "validation-error"


def test_effective_on_that_disagrees_with_the_issue_date_is_refused(world: Any) -> None:
    body = invoice(invoice_id="INV-E", effective_on=str(TODAY - timedelta(days=1)))
    response = post(world, INVOICES, body)
    assert rule(response) == "validation-error"
    assert "effective_on" in response.text
