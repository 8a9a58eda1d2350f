"""Search, on SQLite: an account found by its number, a fragment of its name, an invoice's
number or reference, a payment's id or bank reference; case-insensitive, exact before
prefix before anywhere, wildcards literal, limited, an agent's own only, quarantined left
out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.bootstrap import Ledger
from ledger.aggregates import account_id_for
from ledger.aggregates.errors import InvalidCommand
from ledger.commands.accounts import AssignAgent
from ledger.commands.receivables import IssueInvoice
from ledger.projections.quarantine import projection_quarantine
from ledger.projections.search import SearchHit
from tests.builders import MANAGER, make_ledger
from tests.unit.given import a_payment, an_account, an_invoice


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    ledger, _ = make_ledger()
    service = ledger.service
    for number in ("ACC-100", "ACC-1001", "ACC-200", "ACC-300"):
        an_account(service, number)
    service.execute(IssueInvoice(account="ACC-200", invoice_id="INV-7781", amount="10.00",
                                 currency="USD", issue_date=date(2026, 1, 1),
                                 reference="PO-55%_X"), MANAGER)
    an_invoice(service, "INV-9", account="ACC-300")
    a_payment(service, "PAY-42", "5.00", date(2026, 1, 5), account="ACC-300")
    service.execute(AssignAgent(account="ACC-1001", agent_id="agent-1"), MANAGER)
    ledger.read_models.catch_up()
    yield ledger


def found(ledger: Ledger, query: str, **kw: object) -> list[str]:
    return [h.number for h in ledger.read_models.search(query, **kw)]  # type: ignore[arg-type]


def test_an_account_number_finds_it_exact_before_prefix(ledger: Ledger) -> None:
    assert found(ledger, "acc-100") == ["ACC-100", "ACC-1001"]
    assert ledger.read_models.search("ACC-100")[0] == SearchHit(
        "ACC-100", "Debtor ACC-100", "account", "ACC-100", 0)


def test_a_fragment_of_the_name_finds_it_anywhere_in_the_name(ledger: Ledger) -> None:
    assert found(ledger, "btor acc-2") == ["ACC-200"]
    [hit] = ledger.read_models.search("BTOR ACC-2")
    assert (hit.matched, hit.rank) == ("name", 2)


def test_an_invoice_number_or_reference_finds_its_account(ledger: Ledger) -> None:
    assert found(ledger, "inv-778") == ["ACC-200"]
    assert found(ledger, "55%_x") == ["ACC-200"]
    assert ledger.read_models.search("INV-7781")[0].matched == "invoice"


def test_a_payment_id_or_bank_reference_finds_its_account(ledger: Ledger) -> None:
    assert found(ledger, "pay-42") == ["ACC-300"]
    [hit] = ledger.read_models.search("PAY-4")
    assert (hit.matched, hit.value, hit.rank) == ("payment", "PAY-42", 1)


def test_wildcards_typed_are_matched_literally(ledger: Ledger) -> None:
    assert found(ledger, "%") == ["ACC-200"]
    assert found(ledger, "a%") == []
    assert found(ledger, "acc_1") == []
    assert found(ledger, "5%_") == ["ACC-200"]


def test_blank_finds_nothing_and_the_limit_holds(ledger: Ledger) -> None:
    assert found(ledger, "   ") == []
    assert len(found(ledger, "acc", limit=2)) == 2
    with pytest.raises(InvalidCommand):
        ledger.read_models.search("acc", limit=0)


def test_an_agent_finds_only_their_own_accounts(ledger: Ledger) -> None:
    assert found(ledger, "acc-100", agent="agent-1") == ["ACC-1001"]
    assert found(ledger, "acc-100", agent="agent-2") == []


def test_a_quarantined_account_is_left_out(ledger: Ledger) -> None:
    row = {"projection": "open_items", "account_id": str(account_id_for("ACC-300")),
           "account_number": "ACC-300", "position": 1, "version": 1, "event_type": "X",
           "error_class": "E", "error": "e", "recorded_at": datetime.now(UTC), "skipped": 1}
    store = ledger.read_models.store
    with store.transaction(commit=True) as session:
        session.execute(projection_quarantine.insert(), [row])
    try:
        assert found(ledger, "pay-42") == []
    finally:
        with store.transaction(commit=True) as session:
            session.execute(projection_quarantine.delete())
    assert found(ledger, "pay-42") == ["ACC-300"]


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12))
def test_every_hit_contains_the_query_and_hits_are_ordered(ledger: Ledger, query: str) -> None:
    hits = ledger.read_models.search(query, limit=100)
    wanted = query.strip().lower()
    for hit in hits:
        assert wanted in hit.value.lower()
        assert hit.rank == (0 if hit.value.lower() == wanted
                            else 1 if hit.value.lower().startswith(wanted) else 2)
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    assert len({h.number for h in hits}) == len(hits)
