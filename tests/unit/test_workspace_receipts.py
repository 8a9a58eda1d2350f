"""The receipts page and the dashboard's cash application, through the app as served
(FastAPI's TestClient, read models following the log, SQLite): a cashier works the
unidentified queue (match to an account and invoice, return, a refused match), an agent
may not open it, and the dashboard shows what is left.

On 2 March 2026 a CSV statement brought three receipts: BR-1 names INV-2001 and pays it
(matched by invoice reference); BR-2 (120.00 EUR, "thank you") and BR-3 (35.00 EUR, no
remittance) name nothing and no rule can place them (unidentified). C-100 owes INV-1001
(120.00 EUR).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from html import unescape

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.cash.application import CashApplication
from ledger.commands.base import Actor
from ledger.service import LedgerService
from tests.builders import make_ledger
from tests.unit.given import store_position
from tests.unit.test_cash_application import invoice, open_account, statement
from tests.unit.test_workspace_session import token_in
from tests.unit.workspace_people import Workspace, people_signed_in

DAY = date(2026, 3, 2)
PEOPLE = {"cashier": ("cashier", "cashier-1"), "manager": ("manager", "manager-1"),
          "agent": ("agent", "agent-1"), "auditor": ("auditor", "auditor-1"),
          "compliance": ("compliance", "compliance-1")}


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    ledger, clock = make_ledger()
    service = ledger.service
    open_account(service, "C-100", "Harbour Freight Ltd")
    open_account(service, "C-200", "Northwind Traders GmbH")
    invoice(service, "C-100", "INV-1001", "120.00")
    invoice(service, "C-200", "INV-2001", "750.00")
    clock.set_day(DAY)
    CashApplication(service).import_statement(statement(
        "2026-03-02,750.00,EUR,Northwind,,INV-2001,BR-1",
        "2026-02-20,120.00,EUR,H. Freight,DE89370400440532013000,thank you,BR-2",
        "2026-03-01,35.00,EUR,Mystery Payer,,,BR-3"), Actor("cashier-1", "cashier"))
    with people_signed_in(create_app(ledger, follow=True), service, PEOPLE) as world:
        yield world


def listed(html: str) -> list[str]:
    """The receipts on the page, by their bank reference, in order."""
    return re.findall(r"ref (BR-\d+)", html)


def receipt_id(client: TestClient, reference: str, status: str = "unidentified") -> str:
    page = client.get(f"/app/receipts?status={status}").text
    for found, ref in re.findall(r'<tbody id="receipt-([^"]+)" class="receipt">.*?ref (BR-\d+)',
                                 page, re.S):
        if ref == reference:
            return str(found)
    raise AssertionError(f"{reference} is not listed")


def post(client: TestClient, reference: str, action: str, **form: str) -> httpx.Response:
    token = token_in(client.get("/app/receipts"))
    answer: httpx.Response = client.post(
        f"/app/receipts/{receipt_id(client, reference)}/{action}",
        data={"csrf_token": token, **form}, follow_redirects=False)
    return answer


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def outstanding(service: LedgerService, account: str, invoice_id: str) -> Decimal:
    return service.account(account).invoices[invoice_id].outstanding


def test_a_cashier_lands_on_the_queue_oldest_first_with_why_no_rule_matched(
    workspace: Workspace,
) -> None:
    cashier = workspace.as_("cashier")
    landed = cashier.get("/app/")
    assert landed.url.path == "/app/receipts"
    assert listed(landed.text) == ["BR-2", "BR-3"]  # BR-1 matched: not in the queue
    text = text_of(landed.text)
    assert "€120.00" in text and "H. Freight" in text and "DE89370400440532013000" in text
    assert "10 days" in text  # BR-2's value date is 20 February
    assert "no invoice number or creditor reference in the remittance" in text
    nav = landed.text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert re.findall(r">([A-Za-z]+)</a>", nav) == ["Receipts"]


def test_the_status_filter_shows_matched_receipts_with_their_rule(workspace: Workspace) -> None:
    page = workspace.as_("cashier").get("/app/receipts?status=matched").text
    assert listed(page) == ["BR-1"]
    assert "invoice_reference" in page and 'href="/app/accounts/C-200"' in page
    assert listed(workspace.as_("cashier").get("/app/receipts?status=all").text) == \
        ["BR-2", "BR-3", "BR-1"]
    assert workspace.as_("cashier").get("/app/receipts?status=lost").status_code == 422


def test_a_cashier_matches_a_receipt_to_an_account_and_its_invoice_is_paid(
    workspace: Workspace,
) -> None:
    cashier = workspace.as_("cashier")
    answer = post(cashier, "BR-2", "match", account_1="C-100", amount_1="120.00",
                  invoices_1="INV-1001 120.00", reason="payer's e-mail names INV-1001")
    assert answer.status_code == 303
    assert outstanding(workspace.service, "C-100", "INV-1001") == 0
    back = cashier.get(answer.headers["location"]).text
    assert "Receipt BR-2 matched: paid to C-100." in text_of(back)
    assert listed(back) == ["BR-3"]
    matched = text_of(cashier.get("/app/receipts?status=matched").text)
    assert "by rule manual · cashier-1" in matched and "payer's e-mail names INV-1001" in matched


def test_a_cashier_returns_a_receipt_to_the_payer(workspace: Workspace) -> None:
    cashier = workspace.as_("cashier")
    answer = post(cashier, "BR-3", "return", reason="not our customer",
                  refund_reference="REFUND-7")
    assert answer.status_code == 303
    assert listed(cashier.get(answer.headers["location"]).text) == ["BR-2"]
    returned = text_of(cashier.get("/app/receipts?status=returned").text)
    assert "BR-3" in returned and "not our customer" in returned


def test_a_match_whose_splits_do_not_add_up_is_refused_beside_its_form_and_writes_nothing(
    workspace: Workspace,
) -> None:
    cashier = workspace.as_("cashier")
    before = store_position(workspace.service)
    answer = post(cashier, "BR-2", "match", account_1="C-100", amount_1="100.00",
                  account_2="C-200", amount_2="10.00", reason="split by phone")
    assert answer.status_code == 422
    problem = answer.text.split('class="problem"')[1].split("</div>")[0]
    assert "splits-do-not-add-up" in problem
    assert "the splits add up to 110.00 EUR; the receipt is 120.00 EUR" in problem
    assert answer.text.index('class="problem"') > answer.text.index("ref BR-2")
    assert 'value="split by phone"' in answer.text  # the form keeps what was typed
    assert store_position(workspace.service) == before
    assert outstanding(workspace.service, "C-100", "INV-1001") == Decimal("120.00")


def test_an_unreadable_split_names_its_field(workspace: Workspace) -> None:
    answer = post(workspace.as_("cashier"), "BR-2", "match", account_1="C-100",
                  amount_1="lots", invoices_1="INV-1001", reason="x")
    assert answer.status_code == 422
    assert "split 1 invoices: &#39;INV-1001&#39; is not an invoice id followed by an amount" \
        in answer.text
    answer = post(workspace.as_("cashier"), "BR-2", "match", account_1="C-100",
                  amount_1="lots", reason="x")
    assert answer.status_code == 422 and "split 1 amount:" in answer.text


def test_a_receipt_that_is_not_there_is_refused_at_the_top(workspace: Workspace) -> None:
    cashier = workspace.as_("cashier")
    token = token_in(cashier.get("/app/receipts"))
    for unknown in ("00000000-0000-0000-0000-000000000000", "not-a-receipt"):
        answer = cashier.post(f"/app/receipts/{unknown}/return",
                              data={"csrf_token": token, "reason": "x"})
        assert answer.status_code == 404
        assert f"receipt {unknown} not found" in answer.text
        assert listed(answer.text) == ["BR-2", "BR-3"]


def test_an_agent_may_not_open_the_queue_and_an_auditor_may_not_match(
    workspace: Workspace,
) -> None:
    assert workspace.as_("agent").get("/app/receipts").status_code == 403
    auditor = workspace.as_("auditor")
    page = auditor.get("/app/receipts").text
    assert listed(page) == ["BR-2", "BR-3"] and 'action="/app/receipts/' not in page
    before = store_position(workspace.service)
    answer = post(auditor, "BR-2", "match", account_1="C-100", amount_1="120.00", reason="x")
    assert answer.status_code == 403
    assert store_position(workspace.service) == before


def test_the_dashboard_shows_the_unidentified_cash_left_and_the_automatic_share(
    workspace: Workspace,
) -> None:
    page = workspace.as_("manager").get("/app/dashboard").text
    cash = page.split('id="cash-application"')[1].split("</section>")[0]
    total = re.search(r'<tr data-currency="EUR">.*?</tr>', cash, re.S)
    assert total is not None
    assert "€155.00" in total.group(0)  # BR-2 and BR-3
    assert "€120.00" in total.group(0) and "€35.00" in total.group(0)  # 7-29 and 0-6 days
    assert "oldest 10 days" in text_of(cash)
    assert "33%" in text_of(cash)  # one of three receipts by count
    assert 'data-rule="invoice_reference"' in cash and 'href="/app/receipts"' in cash
    compliance = workspace.as_("compliance").get("/app/dashboard").text
    assert "€155.00" in compliance and 'href="/app/receipts"' not in compliance


def test_after_the_queue_is_worked_the_dashboard_says_nothing_is_left(
    workspace: Workspace,
) -> None:
    cashier = workspace.as_("cashier")
    post(cashier, "BR-2", "return", reason="unknown")
    post(cashier, "BR-3", "return", reason="unknown")
    page = workspace.as_("manager").get("/app/dashboard").text
    assert 'id="unidentified-none"' in page
