"""One account's collections story, told over HTTP to the real server on PostgreSQL.

Each person (and the billing system) uses their own API key: the ERP opens the account,
bills it and feeds payments; a manager assigns an agent; the agent records a dispute and
a promise; a settlement above the four-eyes threshold is proposed by one manager and
approved by another; the debtor pays it. Nobody calls the daily tick (it is no endpoint):
the reads show what the payment set off. Every expected number is worked out by hand
below, from the domain's rules, not read back from the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.live_server import LiveServer, create_key

pytestmark = pytest.mark.postgres

ACCOUNT = "STORY-0001"
KEYS = {  # who: (role, actor id)
    "erp": ("service", "erp"),
    "agent": ("agent", "agent-7"),
    "manager": ("manager", "manager-1"),
    "other_manager": ("manager", "manager-2"),
    "auditor": ("auditor", "auditor-1"),
}


class Story:
    """The server, a key per person, and the log position of the last write."""

    def __init__(self, server: LiveServer, keys: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=15.0)
        self.keys = keys
        self.position = 0

    def write(self, who: str, path: str, body: dict[str, Any], expect: int = 201) -> Any:
        response = self.http.post(path, json=body, headers={"X-API-Key": self.keys[who]})
        assert response.status_code == expect, response.text
        if expect == 201:
            self.position = max(self.position, int(response.headers["X-Ledger-Position"]))
        return response.json()

    def read(self, who: str, path: str, **params: Any) -> Any:
        response = self.http.get(path, params={"wait_for": self.position, **params},
                                 headers={"X-API-Key": self.keys[who]})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def story(postgres_database_url: str, tmp_path: Path) -> Iterator[Story]:
    keys = {who: create_key(postgres_database_url, role, actor)
            for who, (role, actor) in KEYS.items()}
    server = LiveServer(postgres_database_url, tmp_path / "server.log")
    with server:
        told = Story(server, keys)
        yield told
        told.http.close()
    assert server.stopped_cleanly(), server.log()


def tell_the_story(s: Story) -> None:
    at = f"/accounts/{ACCOUNT}"
    s.write("erp", "/accounts", {
        "account": ACCOUNT, "name": "Harbour Freight Ltd", "currency": "USD",
        "terms_days": 30, "timezone": "Europe/London", "effective_on": "2026-03-01",
    })
    s.write("manager", f"{at}/agent-assignment",
            {"agent_id": "agent-7", "effective_on": "2026-03-01"})
    for invoice_id, amount, issued, due in (
        ("INV-1", "3000.00", "2026-03-01", "2026-03-31"),
        ("INV-2", "2000.00", "2026-03-15", "2026-04-14"),
        ("INV-3", "1500.00", "2026-04-10", "2026-05-10"),
    ):
        s.write("erp", f"{at}/invoices", {"invoice_id": invoice_id, "amount": amount,
                                          "currency": "USD", "issue_date": issued,
                                          "due_date": due})
    s.write("erp", f"{at}/payments", {
        "payment_id": "PAY-1", "amount": "1000.00", "currency": "USD",
        "received_on": "2026-04-20", "allocations": [{"invoice_id": "INV-1",
                                                      "amount": "1000.00"}],
    })
    s.write("agent", f"{at}/disputes", {"dispute_id": "DSP-1", "invoice_id": "INV-2",
                                        "amount": "500.00", "reason": "short delivery",
                                        "effective_on": "2026-04-22"})
    s.write("agent", f"{at}/promises", {"promise_id": "PTP-1", "amount": "1000.00",
                                        "currency": "USD", "due_date": "2026-05-15",
                                        "effective_on": "2026-04-25"})
    # Outstanding 5500.00; settling for 3000.00 forgives 2500.00, above the 1000 threshold.
    proposed = s.write("manager", f"{at}/settlements", {
        "settlement_id": "STL-1", "amount": "3000.00", "currency": "USD",
        "due_by": "2026-05-31", "effective_on": "2026-05-01",
    })
    assert proposed["events"] == ["SettlementRequested"]
    own = s.write("manager", f"{at}/settlement-decisions",
                  {"settlement_id": "STL-1", "approve": True}, expect=409)
    assert own["type"] == "urn:colledger:problem:four-eyes-violation"
    approved = s.write("other_manager", f"{at}/settlement-decisions", {
        "settlement_id": "STL-1", "approve": True, "reason": "beats agency recovery",
        "effective_on": "2026-05-02",
    })
    assert approved["events"] == ["SettlementAgreed"]
    # Oldest due first, undisputed parts only: INV-1 takes 2000.00, INV-2 1000.00.
    paid = s.write("erp", f"{at}/payments", {"payment_id": "PAY-2", "amount": "3000.00",
                                             "currency": "USD", "received_on": "2026-05-12"})
    assert {"SettlementCompleted", "PromiseKept", "InvoiceWrittenOff"} <= set(paid["events"])


def test_a_collections_story_over_http_on_postgresql(story: Story) -> None:
    tell_the_story(story)

    # As of 30 April: INV-1 2000.00 and INV-2 2000.00 (500.00 disputed) are 1-30 days
    # past due; INV-3 1500.00 is not due yet.
    april = story.read("manager", "/aging", as_of="2026-04-30", currency="USD")
    assert april["rows"] == [{
        "key": ACCOUNT, "currency": "USD", "invoices": 3, "total": "5500.00",
        "disputed": "500.00", "unapplied_credit": "0.00",
        "buckets": {"current": "1500.00", "1-30": "4000.00", "31-60": "0.00",
                    "61-90": "0.00", "91-120": "0.00", "over 120": "0.00"},
    }]
    # The settlement's payment wrote off what was undisputed (INV-2 500.00, INV-3 1500.00):
    # only the disputed 500.00 of INV-2 stands, 47 days past due on 31 May.
    may = story.read("manager", "/aging", as_of="2026-05-31", currency="USD")
    assert may["rows"] == [{
        "key": ACCOUNT, "currency": "USD", "invoices": 1, "total": "500.00",
        "disputed": "500.00", "unapplied_credit": "0.00",
        "buckets": {"current": "0.00", "1-30": "0.00", "31-60": "500.00",
                    "61-90": "0.00", "91-120": "0.00", "over 120": "0.00"},
    }]

    state = story.read("agent", f"/accounts/{ACCOUNT}", as_of="2026-05-31")
    assert state["agent_id"] == "agent-7" and state["open_promise"] is None
    assert [(i["invoice_id"], i["outstanding"], i["disputed"]) for i in state["invoices"]] == [
        ("INV-2", "500.00", "500.00")
    ]

    statements = story.read("agent", f"/accounts/{ACCOUNT}/statement",
                            **{"from": "2026-03-01", "to": "2026-05-31"})["statements"]
    assert len(statements) == 1
    usd = statements[0]
    lines = [(line["on_date"], line["kind"], line["document_id"], line["debit"],
              line["credit"], line["balance"]) for line in usd["lines"]]
    assert lines == [
        ("2026-03-01", "invoice", "INV-1", "3000.00", "0.00", "3000.00"),
        ("2026-03-15", "invoice", "INV-2", "2000.00", "0.00", "5000.00"),
        ("2026-04-10", "invoice", "INV-3", "1500.00", "0.00", "6500.00"),
        ("2026-04-20", "payment", "PAY-1", "0.00", "1000.00", "5500.00"),
        ("2026-05-12", "payment", "PAY-2", "0.00", "3000.00", "2500.00"),
        ("2026-05-12", "settlement_discount", "STL-1", "0.00", "500.00", "2000.00"),
        ("2026-05-12", "settlement_discount", "STL-1", "0.00", "1500.00", "500.00"),
    ]
    assert (usd["opening_balance"], usd["total_debits"], usd["total_credits"],
            usd["closing_balance"]) == ("0.00", "6500.00", "6000.00", "500.00")
    assert (usd["outstanding"], usd["disputed"]) == ("500.00", "500.00")
    may_only = story.read("agent", f"/accounts/{ACCOUNT}/statement",
                          **{"from": "2026-05-01", "to": "2026-05-31"})["statements"][0]
    assert (may_only["opening_balance"], may_only["total_credits"],
            may_only["closing_balance"]) == ("5500.00", "5000.00", "500.00")

    history = story.read("auditor", f"/accounts/{ACCOUNT}/history", limit=1000)["items"]
    who_did = {(e["type"], e["actor_id"], e["actor_role"]) for e in history}
    assert {
        ("AccountOpened", "erp", "service"),
        ("AgentAssigned", "manager-1", "manager"),
        ("InvoiceIssued", "erp", "service"),
        ("DisputeOpened", "agent-7", "agent"),
        ("PromiseToPayMade", "agent-7", "agent"),
        ("SettlementRequested", "manager-1", "manager"),
        ("SettlementAgreed", "manager-2", "manager"),
        ("SettlementCompleted", "erp", "service"),
        ("PromiseKept", "erp", "service"),
    } <= who_did
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(history, history[1:], strict=False))

    refused = story.http.post(f"/accounts/{ACCOUNT}/contacts", json={
        "contact_id": "CT-1", "channel": "call", "outcome": "conversation",
        "at": "2026-05-13T10:00:00Z",
    }, headers={"X-API-Key": story.keys["auditor"]})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
