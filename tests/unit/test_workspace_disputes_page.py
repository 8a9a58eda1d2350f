"""The disputes page and the forms around it, through the app as served (FastAPI's
TestClient, read models following the log, SQLite): opening a dispute with a reason code
from the account page, the list and its filters, changing a reason or an owner (history
kept), who may do what, and a notice with its invoices in the account timeline.

ACC-1 (agent-1) owes INV-1 (100.00, 20 days past due) and INV-2 (200.00, 2 days past due)
on 1 April 2026; the day's tick sent one notice listing both, whose e-mail then failed.
ACC-2 (agent-2) owes INV-1 (50.00) and has nothing disputed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.workspace.timeline import entry
from ledger.commands.accounts import AssignAgent
from ledger.commands.collections import ProcessDay
from ledger.commands.notices import RecordNoticeDelivery
from tests.builders import MANAGER, SERVICE, make_ledger
from tests.unit.given import an_account, an_invoice, events_of
from tests.unit.test_workspace_session import token_in
from tests.unit.workspace_people import Workspace, people_signed_in

DAY = date(2026, 4, 1)


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    ledger, _ = make_ledger()
    service = ledger.service
    for number, agent, invoices in (
        ("ACC-1", "agent-1", (("INV-1", "100.00", 20), ("INV-2", "200.00", 2))),
        ("ACC-2", "agent-2", (("INV-1", "50.00", 3),)),
    ):
        an_account(service, number)
        service.execute(AssignAgent(account=number, agent_id=agent), MANAGER)
        for invoice_id, amount, late in invoices:
            an_invoice(service, invoice_id, amount, account=number,
                       due_date=DAY - timedelta(days=late))
    service.execute(ProcessDay(account="ACC-1", day=DAY), SERVICE)
    [notice] = [e["payload"] for e in events_of(service, "NoticeSent")]
    service.execute(RecordNoticeDelivery(account="ACC-1", notice_id=notice["notice_id"],
                                         channel=notice["channel"], outcome="failed",
                                         reason="mailbox full"), SERVICE)
    people = {"manager": ("manager", "manager-1"), "agent": ("agent", "agent-1"),
              "other agent": ("agent", "agent-2"), "auditor": ("auditor", "auditor-1")}
    with people_signed_in(create_app(ledger, follow=True), service, people) as world:
        yield world


def post(client: TestClient, page: str, action: str, **form: str) -> httpx.Response:
    token = token_in(client.get(page))
    answer: httpx.Response = client.post(action, data={"csrf_token": token, **form},
                                         follow_redirects=False)
    return answer


def opened(client: TestClient, account: str = "ACC-1", **form: str) -> httpx.Response:
    return post(client, f"/app/accounts/{account}", f"/app/accounts/{account}/disputes",
                **{"invoice_id": "INV-1", "amount": "40.00", "reason_code": "delivery",
                   "reason": "pallet arrived crushed", "owner": "team-claims"} | form)


def listed(html: str) -> list[str]:
    return re.findall(r'<tbody id="dispute-([^"]+)" class="dispute">', html)


def dispute_id(html: str) -> str:
    [key] = listed(html)
    return key.split("-", 2)[2]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_account_page_offers_the_configured_reason_codes_and_only_undisputed_invoices(
    workspace: Workspace,
) -> None:
    manager = workspace.as_("manager")
    assert opened(manager, amount="100.00").status_code == 303  # INV-1 wholly disputed

    page = manager.get("/app/accounts/ACC-1").text
    form = page.split('class="open-dispute"')[1].split("</form>")[0]

    codes = re.findall(r'<option value="([a-z_]+)"', form.split('id="dispute-code"')[1])
    assert codes == ["pricing", "quantity", "quality", "delivery", "duplicate_billing", "tax",
                     "other"]
    invoices = re.findall(r'<option value="(INV-[0-9]+)"', form)
    assert invoices == ["INV-2"]
    assert "$200.00 undisputed" in form


def test_a_dispute_opened_from_the_account_page_is_on_the_disputes_page_with_reason_and_owner(
    workspace: Workspace,
) -> None:
    manager = workspace.as_("manager")

    answer = opened(manager)

    assert answer.status_code == 303 and answer.headers["location"] == (
        "/app/accounts/ACC-1#disputes")
    page = manager.get("/app/disputes").text
    row = text_of(page.split('class="dispute">')[1].split("</tbody>")[0])
    assert "Debtor ACC-1" in row and "INV-1" in row and "$40.00" in row
    assert "delivery" in row and "team-claims" in row and "0 days open" in row
    assert "opened with reason delivery, owner team-claims by manager-1" in row
    assert "pallet arrived crushed" not in page  # the debtor's words stay on the account
    assert re.search(r'name="q" type="search"[^>]*\s+value=""', page)  # no filters there
    assert listed(manager.get("/app/disputes?owner=team-claims").text) == listed(page)
    assert listed(manager.get("/app/disputes?reason=pricing").text) == []
    assert listed(manager.get("/app/disputes?account=ACC-2").text) == []
    assert listed(manager.get("/app/disputes?status=resolved").text) == []
    assert len(listed(manager.get("/app/disputes?status=all&account=ACC-1").text)) == 1


def test_changing_the_owner_and_the_reason_keeps_the_history(workspace: Workspace) -> None:
    manager = workspace.as_("manager")
    opened(manager)
    dispute = dispute_id(manager.get("/app/disputes").text)
    base = f"/app/disputes/ACC-1/{dispute}"

    owner = post(manager, "/app/disputes", f"{base}/owner", owner="team-logistics",
                 reason="carrier claim", back="status=all&account=ACC-1&owner=team-claims")
    reason = post(manager, "/app/disputes", f"{base}/reason", reason_code="quality",
                  reason="goods were faulty, not damaged in transit")

    assert owner.status_code == 303 and owner.headers["location"] == (
        f"/app/disputes?status=all&account=ACC-1&owner=team-claims&page=1&done=owner"
        f"&dispute={dispute}#dispute-ACC-1-{dispute}")  # the filters it was posted from
    assert reason.status_code == 303
    after = manager.get(reason.headers["location"]).text
    filtered = manager.get("/app/disputes?status=all&account=ACC-1").text
    assert 'name="back" value="status=all&amp;account=ACC-1&amp;page=1"' in filtered
    assert f"Reason code changed on {dispute}." in after
    row = text_of(after.split('class="dispute">')[1].split("</tbody>")[0])
    assert "quality" in row and "team-logistics" in row
    assert "owner changed from team-claims to team-logistics by manager-1" in row
    assert "carrier claim" in row
    assert "reason changed from delivery to quality by manager-1" in row
    timeline = text_of(manager.get("/app/accounts/ACC-1").text.split('id="timeline"')[-1])
    assert "Dispute owner changed" in timeline and "team-claims → team-logistics" in timeline
    assert "delivery → quality" in timeline


def test_a_code_not_configured_is_refused_naming_the_rule_and_nothing_is_written(
    workspace: Workspace,
) -> None:
    manager = workspace.as_("manager")

    answer = opened(manager, reason_code="weather")

    assert answer.status_code in (409, 422), answer.text[:300]
    assert "reason" in text_of(answer.text).lower()
    assert listed(manager.get("/app/disputes?status=all").text) == []
    unreadable = opened(manager, amount="lots")
    assert unreadable.status_code == 422 and "amount:" in text_of(unreadable.text)
    assert listed(manager.get("/app/disputes?status=all").text) == []


def test_a_form_without_its_csrf_token_changes_nothing(workspace: Workspace) -> None:
    manager = workspace.as_("manager")

    answer = manager.post("/app/accounts/ACC-1/disputes", follow_redirects=False, data={
        "invoice_id": "INV-1", "amount": "10.00", "reason_code": "tax"})

    assert answer.status_code == 403
    assert listed(manager.get("/app/disputes?status=all").text) == []


def test_an_agent_sees_only_their_accounts_disputes_and_may_not_reassign_them(
    workspace: Workspace,
) -> None:
    manager = workspace.as_("manager")
    opened(manager)
    opened(manager, "ACC-2", amount="5.00", reason_code="tax", owner="")

    mine = workspace.as_("agent").get("/app/disputes").text
    theirs = workspace.as_("other agent").get("/app/disputes?agent=agent-1").text

    assert [k.rsplit("-", 2)[0] for k in listed(mine)] == ["ACC-1"]
    assert [k.rsplit("-", 2)[0] for k in listed(theirs)] == ["ACC-2"]
    assert "Change reason" in mine and "Change owner" not in mine
    dispute = dispute_id(mine)
    refused = post(workspace.as_("agent"), "/app/disputes",
                   f"/app/disputes/ACC-1/{dispute}/owner", owner="me", reason="mine now")
    assert refused.status_code == 403
    assert "team-claims" in text_of(manager.get("/app/disputes?account=ACC-1").text)


def test_an_auditor_reads_the_page_and_its_report_but_gets_no_forms(
    workspace: Workspace,
) -> None:
    opened(workspace.as_("manager"))

    page = workspace.as_("auditor").get("/app/disputes")

    assert page.status_code == 200 and len(listed(page.text)) == 1
    assert "Change reason" not in page.text and "Change owner" not in page.text
    assert "Root causes" in page.text
    assert 'class="open-dispute"' not in workspace.as_("auditor").get("/app/accounts/ACC-1").text


def test_the_timeline_shows_the_notice_with_its_level_channel_and_invoices_then_its_failure(
    workspace: Workspace,
) -> None:
    page = workspace.as_("manager").get("/app/accounts/ACC-1").text
    timeline = page.split('id="timeline"')[-1]
    sent = text_of(timeline.split("Notice sent")[1].split("</tr>")[0])
    failed = text_of(timeline.split("Notice delivery failed")[1].split("</tr>")[0])

    assert "level: reminder_2" in sent and "channel: email" in sent
    assert "INV-1 · reminder 2 · $100.00" in sent and "INV-2 · reminder 1 · $200.00" in sent
    assert "undisputed in all: $300.00" in sent
    assert "reason: mailbox full" in failed and "channel: email" in failed


def test_a_notice_entry_totals_what_it_asked_per_currency() -> None:
    record = {
        "type": "NoticeSent", "version": 9, "effective_on": "2026-04-01",
        "recorded_at": "2026-04-01T09:00:00+00:00", "actor_id": "scheduler",
        "actor_role": "service", "hash": "a" * 64, "prev_hash": "b" * 64,
        "payload": {"notice_id": "N-1", "level": "final_notice", "channel": "letter",
                    "template": "final_notice", "invoices": [
                        {"invoice_id": "INV-1", "level": "final_notice", "currency": "EUR",
                         "amount": "0.10"},
                        {"invoice_id": "INV-2", "level": "reminder_1", "currency": "EUR",
                         "amount": "0.20"},
                        {"invoice_id": "INV-3", "level": "reminder_1", "currency": "GBP",
                         "amount": "5"}]},
    }

    shown = entry(record)

    assert shown.kind == "Notice sent"
    assert shown.why == [("notice id", "N-1"), ("level", "final_notice"),
                         ("channel", "letter"), ("template", "final_notice")]
    assert [i.invoice_id for i in shown.invoices] == ["INV-1", "INV-2", "INV-3"]
    assert {cur: str(total) for cur, total in shown.totals.items()} == {
        "EUR": "0.30", "GBP": "5"}


def test_a_statement_sent_on_demand_shows_its_open_items_and_credit() -> None:
    record = {
        "type": "NoticeSent", "version": 4, "effective_on": "2026-04-01",
        "recorded_at": "2026-04-01T09:00:00+00:00", "actor_id": "manager-1",
        "actor_role": "manager", "hash": "a" * 64, "prev_hash": "b" * 64,
        "payload": {"notice_id": "statement-20260401-1", "level": "statement",
                    "channel": "email", "template": "statement",
                    "invoices": [{"invoice_id": "INV-1", "level": "partly_disputed",
                                  "currency": "USD", "amount": "60.00", "disputed": "40.00"}],
                    "credits": [{"currency": "USD", "amount": "12.50"}]},
    }

    shown = entry(record)

    assert shown.kind == "Statement sent"
    assert [(i.level, str(i.amount)) for i in shown.invoices] == [("partly_disputed", "60.00")]
    assert {cur: str(credit) for cur, credit in shown.credits.items()} == {"USD": "12.50"}
    older = {k: v for k, v in record["payload"].items() if k != "credits"}  # stored before
    assert entry(record | {"payload": older}).credits == {}
    assert entry(record | {"payload": older}).totals == {"USD": Decimal("60.00")}
