"""Writes that break a rule of the account's state are 409, with the rule's problem type.

One case per write endpoint whose command has such a rule; each checks that
nothing was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledger.aggregates.contact_refusals import RefusedByRule
from ledger.commands import accounts as a
from ledger.commands import collections as c
from ledger.commands import receivables as r
from ledger.commands.base import Command
from tests.unit.api_catalogue import BY_NAME
from tests.unit.api_world import ApiWorld, problem_type


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


@dataclass(frozen=True)
class Broken:
    """A write that breaks a rule of the account's state."""

    write: str
    expected: str
    changes: dict[str, Any] = field(default_factory=dict)
    given: tuple[Command, ...] | None = None  # None: what the write needs to succeed
    caller: str | None = None


X = "ACC-X"
BROKEN_RULES = [
    Broken("IssueInvoice", "duplicate-id", {"invoice_id": "INV-1"}),
    Broken("AdjustInvoice", "amount-exceeds-outstanding", {"amount": "1000.01"}),
    Broken("RecordPayment", "over-allocation",
           {"allocations": [{"invoice_id": "INV-1", "amount": "900.00"}], "amount": "800.00"}),
    Broken("AllocatePayment", "over-allocation",
           {"allocations": [{"invoice_id": "INV-2", "amount": "250.00"}]}),
    Broken("ReversePayment", "payment-already-reversed", given=(
        *BY_NAME["ReversePayment"].given,
        r.ReversePayment(account=X, payment_id="PAY-1", reason="bounced"))),
    Broken("OpenDispute", "amount-exceeds-undisputed", {"amount": "1000.01"}),
    Broken("ResolveDispute", "dispute-not-open", given=(
        *BY_NAME["ResolveDispute"].given,
        c.ResolveDispute(account=X, dispute_id="DSP-1", outcome="rejected"))),
    Broken("MakePromise", "promise-already-open", given=(c.MakePromise(
        account=X, promise_id="PTP-0", amount=Decimal("100.00"), currency="USD",
        due_date=date(2026, 2, 28)),)),
    Broken("AgreePaymentPlan", "amount-exceeds-outstanding", {"instalments": [
        {"due_date": "2026-02-28", "amount": "3000.00"},
        {"due_date": "2026-03-31", "amount": "500.01"}]}),
    Broken("AgreeSettlement", "amount-exceeds-outstanding", {"amount": "3500.00"}),
    Broken("DecideSettlement", "four-eyes-violation", caller="other manager"),
    Broken("WriteOff", "write-off-needs-approval", {"invoice_id": "INV-2", "amount": "1000.01"}),
    Broken("RequestWriteOff", "amount-exceeds-outstanding", {"amount": "2500.01"}),
    Broken("DecideWriteOff", "four-eyes-violation", caller="other manager"),
    Broken("RecordRecovery", "recovery-exceeds-written-off", {"amount": "400.01"}),
    Broken("RecordContact", "contact-refused/call-hours", {"at": "2026-02-10T21:30:00Z"}),
    Broken("RequestCeaseCommunication", "account-standing-conflict", given=(
        a.RequestCeaseCommunication(account=X, reason="letter"),)),
    Broken("PlaceWithAgency", "account-standing-conflict", given=(
        a.PlaceWithAgency(account=X, agency_id="AGY-OTHER"),)),
    Broken("RecallFromAgency", "account-standing-conflict", given=()),
    Broken("ReferToLegal", "account-standing-conflict", given=(
        a.ReferToLegal(account=X, reason="first referral"),)),
    Broken("WithdrawLegalReferral", "account-standing-conflict", {"reason": "paid"}, given=()),
    Broken("PlaceCreditHold", "account-standing-conflict", given=(
        a.PlaceCreditHold(account=X, reason="first hold"),)),
    Broken("ReleaseCreditHold", "account-standing-conflict", given=()),
]


@pytest.mark.parametrize("case", BROKEN_RULES, ids=[case.write for case in BROKEN_RULES])
def test_write_breaking_a_rule_of_the_accounts_state_is_409(api: ApiWorld, case: Broken) -> None:
    write = BY_NAME[case.write]
    number = api.prepared(write, case.given)
    position = api.position()

    response = api.post(write.url(number), write.body_for(number, **case.changes),
                        case.caller or write.caller)

    assert response.status_code == 409, response.text
    assert problem_type(response) == case.expected
    assert api.position() == position


def test_opening_an_account_under_a_number_in_use_is_409(api: ApiWorld) -> None:
    write = BY_NAME["OpenAccount"]
    number = api.debtor()

    response = api.post(write.path, write.body_for(number), write.caller)

    assert response.status_code == 409
    assert problem_type(response) == "account-already-exists"


def test_refused_contact_names_the_rule_that_forbids_it(api: ApiWorld) -> None:
    write = BY_NAME["RecordContact"]

    response = api.post(write.url(api.debtor()),
                        write.body_for("", at="2026-02-10T06:00:00Z"), "agent")

    assert response.status_code == 409
    assert problem_type(response) == "contact-refused/call-hours"
    assert response.json()["rule_id"] == "call-hours"


def calls(at: str, count: int, outcome: str = "no_answer") -> tuple[Command, ...]:
    """``count`` calls ten minutes apart from ``at`` (UTC; the debtor's timezone is UTC)."""
    start = datetime.fromisoformat(at)
    return tuple(
        c.RecordContact(account=X, contact_id=f"CT-0{n}", channel="call", outcome=outcome,
                        at=start + timedelta(minutes=10 * n))
        for n in range(count)
    )


EMAIL = {"channel": "email", "outcome": "sent"}
CONTACT_RULES = {
    "call-hours": ({"at": "2026-02-10T06:00:00Z"}, ()),
    "conversation-cooldown": ({}, calls("2026-02-09T10:00:00+00:00", 1, "conversation")),
    "call-frequency": ({}, calls("2026-02-09T10:00:00+00:00", 7)),
    "cease-communication": (EMAIL, (a.RequestCeaseCommunication(account=X, reason="letter"),)),
    "permitted-notice-channel": ({"purpose": "permitted_notice"}, ()),
    "placement": (EMAIL, (a.PlaceWithAgency(account=X, agency_id="AGY-1"),)),
    "dispute-pause": (EMAIL, tuple(
        c.OpenDispute(account=X, dispute_id=f"DSP-{i}", invoice_id=invoice,
                      amount=Decimal(amount), reason="not delivered")
        for i, (invoice, amount) in enumerate((("INV-1", "1000.00"), ("INV-2", "2500.00")))
    )),
}
"""Per contact-policy rule: what the contact changes from the catalogue's call (made at
08:30 UTC today), and what the account went through first."""


@pytest.mark.parametrize("rule", CONTACT_RULES)
def test_each_contact_rule_refuses_with_a_problem_type_of_its_own(
    api: ApiWorld, rule: str
) -> None:
    write = BY_NAME["RecordContact"]
    changes, given = CONTACT_RULES[rule]
    number = api.debtor(given=given)

    response = api.post(write.url(number), write.body_for(
        number, **{"at": "2026-02-10T08:30:00Z", "outcome": "no_answer", **changes}), "agent")

    assert response.status_code == 409, response.text
    assert problem_type(response) == f"contact-refused/{rule}"
    assert response.json()["rule_id"] == rule


def test_every_contact_rule_has_a_case_above() -> None:
    assert {cls.rule_id for cls in RefusedByRule.__subclasses__()} == set(CONTACT_RULES)
