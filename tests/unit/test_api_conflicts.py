"""Writes that break a rule of the account's state are 409, with the rule's problem type.

One case per write endpoint whose command has such a rule; each checks that
nothing was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

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
    Broken("RecordContact", "contact-refused", {"at": "2026-02-10T21:30:00Z"}),
    Broken("RequestCeaseCommunication", "account-standing-conflict", given=(
        a.RequestCeaseCommunication(account=X, reason="letter"),)),
    Broken("PlaceWithAgency", "account-standing-conflict", given=(
        a.PlaceWithAgency(account=X, agency_id="AGY-OTHER"),)),
    Broken("RecallFromAgency", "account-standing-conflict", given=()),
    Broken("ReferToLegal", "account-standing-conflict", given=(
        a.ReferToLegal(account=X, reason="first referral"),)),
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
    assert problem_type(response) == "contact-refused"
    assert response.json()["rule_id"]
