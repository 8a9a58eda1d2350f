"""What Schemathesis found against the real server, pinned down as fast route tests: each
request here once answered 500 or a status the contract did not name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.builders import make_ledger

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(make_ledger()[0], follow=False)
    _, key = app.state.keys.create("manager", "m" * 128)
    with TestClient(app, headers={"X-API-Key": key}) as client:
        yield client


def test_a_write_to_an_account_number_that_cannot_exist_is_422_naming_the_path(
    client: TestClient,
) -> None:
    response = client.post("/accounts/%26%C3%8D/credit-holds", json={"reason": "overdue"})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [e["field"] for e in response.json()["errors"]] == ["path.account"]


def test_an_idempotency_key_too_long_for_its_caller_is_422_naming_the_header(
    client: TestClient,
) -> None:
    # The command id is "<actor id>:<key>": 128 + 1 + 100 characters is over its 128.
    response = client.post("/accounts", headers={"Idempotency-Key": "k" * 100}, json={
        "account": "ACC-LONG-KEY", "name": "Long Keys Ltd", "currency": "USD",
    })

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [e["field"] for e in response.json()["errors"]] == ["header.Idempotency-Key"]


def test_a_body_that_is_not_text_is_a_documented_400_problem(client: TestClient) -> None:
    response = client.post("/accounts/ACC-00001/credit-holds", content=b"\xff\xfe|",
                           headers={"Content-Type": "application/json"})
    documented = client.app.openapi()["paths"]["/accounts/{account}/credit-holds"]["post"]

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "400" in documented["responses"]
