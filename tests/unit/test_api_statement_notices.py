"""`POST /accounts/{account}/statement-notices`: a statement sent on demand over HTTP, and
each refusal a problem naming its rule, with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledger.commands.accounts import ErasePersonalData, RequestCeaseCommunication
from tests.unit.api_world import ApiWorld, problem_type

CONTACT = {"name": "Dana Whitfield", "email": "ap@debtor.example"}
BODY = {"channel": "email", "as_of": "2026-02-10", "reason": "asked by phone for a copy"}


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


def post(api: ApiWorld, number: str, caller: str = "agent", **changes: Any) -> Any:
    return api.post(f"/accounts/{number}/statement-notices", {**BODY, **changes}, caller)


def test_an_agent_sends_their_account_a_statement(api: ApiWorld) -> None:
    number = api.debtor(contact=CONTACT)

    response = post(api, number)

    assert response.status_code == 201, response.text
    assert response.json()["events"] == ["NoticeSent"]
    (notice,) = [e for e in api.history(number) if e["type"] == "NoticeSent"]
    assert notice["actor_id"] == "agent-1"
    assert notice["payload"]["notice_id"] == "statement-20260210-1"
    assert [(i["invoice_id"], i["amount"], i["days_past_due"])
            for i in notice["payload"]["invoices"]] == [("INV-1", "1000.00", 10),
                                                        ("INV-2", "2500.00", -4)]


@pytest.mark.parametrize(("contact", "given", "changes", "status", "rule"), [
    (None, (), {}, 409, "no-address-for-channel"),
    (CONTACT, (), {"channel": "letter"}, 409, "no-address-for-channel"),
    (CONTACT, (ErasePersonalData(account="X", reason="request"),), {}, 409, "contact-erased"),
    (CONTACT, (RequestCeaseCommunication(account="X", reason="letter"),), {}, 409,
     "contact-refused/cease-communication"),
    (CONTACT, (), {"as_of": "2026-03-10"}, 422, "future-date"),
    (CONTACT, (), {"channel": "fax"}, 422, "validation-error"),
    (CONTACT, (), {"reason": ""}, 422, "validation-error"),
], ids=["no-contact", "no-postal-address", "erased", "cease-communication", "future",
        "channel", "no-reason"])
def test_a_refused_statement_is_a_problem_naming_the_rule_and_writes_nothing(
    api: ApiWorld, contact: dict[str, str] | None, given: tuple[Any, ...],
    changes: dict[str, Any], status: int, rule: str,
) -> None:
    number = api.debtor(contact=contact, given=given)
    position = api.position()

    response = post(api, number, "manager", **changes)

    assert response.status_code == status, response.text
    assert problem_type(response) == rule
    assert api.position() == position


def test_under_cease_communication_the_customers_own_request_is_answered(
    api: ApiWorld,
) -> None:
    number = api.debtor(contact=CONTACT, given=(
        RequestCeaseCommunication(account="X", reason="letter"),))

    response = post(api, number, customer_request=True)

    assert response.status_code == 201, response.text
