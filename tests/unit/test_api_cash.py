"""Cash application over HTTP: a cashier imports the morning's statement, works the
unidentified queue and reads the report; refusals are problems that change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.api_world import TODAY, ApiWorld, problem_type
from tests.unit.given import store_position

HEADER = "date,amount,currency,counterparty,iban,remittance,reference\n"


@pytest.fixture
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def upload(api: ApiWorld, rows: str, caller: str = "cashier", format: str = "auto"):  # noqa: ANN201
    return api.client.post(f"/bank-statements?format={format}",
                           content=(HEADER + rows).encode(),
                           headers={"X-API-Key": api.keys[caller], "Content-Type": "text/csv"})


def test_a_cashier_imports_a_statement_and_works_the_queue(api: ApiWorld) -> None:
    number = api.debtor()
    day = TODAY.isoformat()
    imported = upload(api, f"{day},1000.00,USD,Debtor {number},,\"INV-1 thanks\",BR-1\n"
                           f"{day},12.50,USD,Somebody,,,BR-2\n")
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert (body["recorded"], body["matched"], body["unidentified"]) == (2, 1, 1)
    assert body["by_rule"] == {"invoice_reference": 1}

    assert int(imported.headers["X-Ledger-Position"]) > 0  # what a client waits for
    api.app.state.read_models.catch_up()  # the follower's work (this app runs none)
    queue = api.client.get("/receipts?status=unidentified",
                           headers={"X-API-Key": api.keys["cashier"]}).json()["items"]
    assert [(r["amount"], r["bank_reference"]) for r in queue] == [("12.50", "BR-2")]
    receipt_id = queue[0]["receipt_id"]
    assert "invoice_reference" in queue[0]["evidence"]

    refused = api.post(f"/receipts/{receipt_id}/matches", {
        "splits": [{"account": number, "amount": "10.00"}], "reason": "phoned"}, "cashier")
    assert refused.status_code == 422
    assert problem_type(refused) == "splits-do-not-add-up"

    matched = api.post(f"/receipts/{receipt_id}/matches", {
        "splits": [{"account": number, "amount": "12.50",
                    "allocations": [{"invoice_id": "INV-2", "amount": "12.50"}]}],
        "reason": "customer's e-mail"}, "cashier")
    assert matched.status_code == 201, matched.text
    assert (matched.json()["status"], matched.json()["rule"]) == ("matched", "manual")
    assert matched.json()["decided_by"] == "cashier-1"
    again = api.post(f"/receipts/{receipt_id}/returns", {"reason": "oops"}, "cashier")
    assert again.status_code == 409

    api.app.state.read_models.catch_up()
    report = api.client.get("/reports/cash-application",
                            headers={"X-API-Key": api.keys["manager"]}).json()
    assert (report["receipts"], report["matched_automatically"]) == (2, 1)
    assert report["by_rule"]["manual"]["count"] == 1


def test_a_statement_that_cannot_be_read_is_a_problem_naming_the_line(api: ApiWorld) -> None:
    before = store_position(api.service)
    response = upload(api, "2026-02-10,1.001,USD,A,,,BR-1\n")
    assert response.status_code == 422
    assert problem_type(response) == "statement-unreadable"
    assert response.json()["line"] == 2
    assert store_position(api.service) == before


def test_an_unknown_receipt_is_404_and_an_agent_may_not_import(api: ApiWorld) -> None:
    missing = api.client.get("/receipts/00000000-0000-4000-8000-000000000000",
                             headers={"X-API-Key": api.keys["cashier"]})
    assert missing.status_code == 404
    assert upload(api, "", caller="agent").status_code == 403
