"""Write endpoints refuse bad requests with the right status and problem type.

422 for a body that is wrong in itself (schema, floats, fractions of a cent), 404 for
an unknown account or referenced id, 412 for a stale ``If-Match``, 401 without a valid
key; and a refused write writes nothing. Rule violations (409) are in
``test_api_conflicts``, role refusals (403) in ``test_api_roles``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.reliability import RecordFigures
from tests.unit.api_catalogue import (
    BY_NAME,
    ON_ACCOUNTS,
    WRITES,
    Write,
    has_amount,
    ids,
    with_amounts,
)
from tests.unit.api_world import ApiWorld, problem_type


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def not_an_agent(write: Write) -> str:
    """Agents are refused unknown accounts (403) before they could learn they are unknown."""
    return "manager" if write.caller == "agent" else write.caller


def required_fields(write: Write) -> list[str]:
    return [name for name, info in write.command.model_fields.items()
            if info.is_required() and name != "account"]


WITH_AMOUNTS = tuple(w for w in WRITES if has_amount(w))
WITH_REQUIRED = tuple(w for w in WRITES if required_fields(w))


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_write_without_an_api_key_is_401(api: ApiWorld, write: Write) -> None:
    number = api.prepared(write)
    position = api.position()

    response = api.post(write.url(number), write.body_for(number), caller=None)

    assert response.status_code == 401
    assert problem_type(response) == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert api.position() == position


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_write_with_a_revoked_key_is_401(api: ApiWorld, write: Write) -> None:
    key_id, key = api.app.state.keys.create("manager", "manager-9")
    api.app.state.keys.revoke(key_id)
    number = api.prepared(write)

    response = api.client.post(write.url(number), json=write.body_for(number),
                               headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401
    assert problem_type(response) == "unauthenticated"


def test_a_bearer_key_works_like_an_api_key_header(api: ApiWorld) -> None:
    write = BY_NAME["PlaceCreditHold"]
    number = api.debtor()

    response = api.client.post(write.url(number), json=write.body,
                               headers={"Authorization": f"Bearer {api.keys['manager']}"})

    assert response.status_code == 201, response.text
    assert api.history(number)[-1]["actor_id"] == "manager-1"


def test_an_unknown_key_is_401(api: ApiWorld) -> None:
    write = BY_NAME["PlaceCreditHold"]

    response = api.client.post(write.url(api.debtor()), json=write.body,
                               headers={"X-API-Key": "clk_00000000_not-a-key"})

    assert response.status_code == 401


@pytest.mark.parametrize("write", WRITES, ids=ids(WRITES))
def test_unknown_field_is_422_naming_the_field(api: ApiWorld, write: Write) -> None:
    number = api.prepared(write)

    response = api.post(write.url(number), write.body_for(number, colour="red"), write.caller)

    assert response.status_code == 422
    assert problem_type(response) == "validation-error"
    assert [e["field"] for e in response.json()["errors"]] == ["body.colour"]


@pytest.mark.parametrize("write", WITH_REQUIRED, ids=ids(WITH_REQUIRED))
def test_missing_required_field_is_422_naming_the_field(api: ApiWorld, write: Write) -> None:
    required = required_fields(write)
    number = api.prepared(write)
    body = {k: v for k, v in write.body_for(number).items() if k != required[0]}

    response = api.post(write.url(number), body, write.caller)

    assert response.status_code == 422
    assert problem_type(response) == "validation-error"
    assert f"body.{required[0]}" in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("write", WITH_AMOUNTS, ids=ids(WITH_AMOUNTS))
def test_float_amount_is_422(api: ApiWorld, write: Write, record_figures: RecordFigures) -> None:
    number = api.prepared(write)
    position = api.position()
    body = with_amounts(write.body_for(number), lambda amount: float(amount))

    response = api.post(write.url(number), body, write.caller)

    record_figures({"bad requests refused": int(response.status_code >= 400),
                    "events written by refused requests": api.position() - position})
    assert response.status_code == 422, response.text
    assert problem_type(response) == "validation-error"
    assert "not a JSON number" in response.text
    assert api.position() == position


@pytest.mark.parametrize("write", WITH_AMOUNTS, ids=ids(WITH_AMOUNTS))
def test_fraction_of_a_cent_is_422(
    api: ApiWorld, write: Write, record_figures: RecordFigures
) -> None:
    number = api.prepared(write)
    position = api.position()
    body = with_amounts(write.body_for(number), lambda amount: f"{amount}5")

    response = api.post(write.url(number), body, write.caller)

    record_figures({"bad requests refused": int(response.status_code >= 400),
                    "events written by refused requests": api.position() - position})
    assert response.status_code == 422, response.text
    assert problem_type(response) == "invalid-amount"
    assert api.position() == position


@pytest.mark.parametrize("write", ON_ACCOUNTS, ids=ids(ON_ACCOUNTS))
def test_write_on_an_unknown_account_is_404(
    api: ApiWorld, write: Write, record_figures: RecordFigures
) -> None:
    position = api.position()

    response = api.post(write.url("ACC-NOPE"), write.body, not_an_agent(write))

    record_figures({"bad requests refused": int(response.status_code >= 400),
                    "events written by refused requests": api.position() - position})
    assert response.status_code == 404, response.text
    assert problem_type(response) == "account-not-found"
    assert api.position() == position


UNKNOWN_REFERENCES = [
    ("AdjustInvoice", {"invoice_id": "INV-404"}, "invoice-not-found"),
    ("RecordPayment", {"allocations": [{"invoice_id": "INV-404", "amount": "800.00"}]},
     "invoice-not-found"),
    ("AllocatePayment", {"payment_id": "PAY-404"}, "payment-not-found"),
    ("ReversePayment", {"payment_id": "PAY-404"}, "payment-not-found"),
    ("OpenDispute", {"invoice_id": "INV-404"}, "invoice-not-found"),
    ("ResolveDispute", {"dispute_id": "DSP-404"}, "dispute-not-found"),
    ("DecideSettlement", {"settlement_id": "STL-404"}, "arrangement-not-found"),
    ("WriteOff", {"invoice_id": "INV-404"}, "invoice-not-found"),
    ("RequestWriteOff", {"invoice_id": "INV-404"}, "invoice-not-found"),
    ("DecideWriteOff", {"request_id": "WOR-404"}, "write-off-request-not-found"),
    ("RecordRecovery", {"invoice_id": "INV-404"}, "invoice-not-found"),
]


@pytest.mark.parametrize(("name", "changes", "expected"), UNKNOWN_REFERENCES,
                         ids=[case[0] for case in UNKNOWN_REFERENCES])
def test_unknown_invoice_payment_or_arrangement_is_404(
    api: ApiWorld, name: str, changes: dict[str, Any], expected: str
) -> None:
    write = BY_NAME[name]
    number = api.prepared(write)
    position = api.position()

    response = api.post(write.url(number), write.body_for(number, **changes), write.caller)

    assert response.status_code == 404, response.text
    assert problem_type(response) == expected
    assert api.position() == position


@pytest.mark.parametrize("write", ON_ACCOUNTS, ids=ids(ON_ACCOUNTS))
def test_stale_if_match_is_412_and_writes_nothing(api: ApiWorld, write: Write) -> None:
    number = api.prepared(write)
    position = api.position()

    response = api.post(write.url(number), write.body_for(number), write.caller,
                        {"If-Match": '"v1"'})

    assert response.status_code == 412, response.text
    assert problem_type(response) == "version-mismatch"
    assert api.position() == position


def test_if_match_that_is_not_an_etag_of_this_api_is_422_as_the_contract_says(
    api: ApiWorld,
) -> None:
    write = BY_NAME["ChangeTerms"]
    number = api.debtor()
    position = api.position()

    response = api.post(write.url(number), write.body, "manager", {"If-Match": "12"})

    assert response.status_code == 422
    assert problem_type(response) == "validation-error"
    assert response.json()["errors"][0]["field"] == "header.If-Match"
    assert api.position() == position


def test_opening_an_account_under_an_unusable_number_is_422(api: ApiWorld) -> None:
    write = BY_NAME["OpenAccount"]

    response = api.post(write.path, write.body_for("ACC 1/ü"), write.caller)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.account"]
