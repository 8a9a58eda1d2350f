"""The audit page in a real browser: verifying the ledger now and reading the result,
exporting a regulatory trail as the API's ZIP, the ledger's refusal in words, who may open
it, axe on every state, and the keyboard."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import check_accessibility
from tests.browser.conftest import SignIn, Workspace
from tests.browser.screenshots import screenshot


def api(page: Page, workspace: Workspace, who: str, path: str, **params: str) -> Any:
    answer = page.request.get(path, params=params, headers={"X-API-Key": workspace.keys[who]})
    assert answer.ok, answer.text()
    return answer.json()


def test_an_auditor_verifies_the_ledger_and_sees_no_failures(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")
    page.goto("/app/audit")
    expect(page.get_by_role("heading", level=1, name="Audit")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Verify the ledger now").click()

    expect(page.get_by_role("status")).to_have_text("Verified: no failures.")
    checked = api(page, workspace, "auditor", "/audit/verify")
    expect(page.locator("[data-figure=accounts]")).to_have_text(f"{checked['accounts']} accounts")
    expect(page.locator("[data-figure=failures]")).to_have_text("0")
    expect(page.get_by_text("asked by auditor-1 (auditor)")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "audit")


def test_compliance_exports_an_accounts_trail_and_gets_the_apis_zip(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "compliance")
    account = api(page, workspace, "compliance", "/aging")["rows"][0]["key"]
    page.goto("/app/audit")

    page.get_by_label("Account number").fill(account)
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Export trail").click()

    download = downloading.value
    assert download.suggested_filename == f"trail-{account}.zip"
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert "manifest.json" in names and any(n.endswith(".csv") for n in names)
    assert json.dumps(manifest).count(account) >= 1


def test_the_last_checkpoint_is_the_last_the_api_lists(
    page: Page, workspace: Workspace, sign_in: SignIn
) -> None:
    sign_in(page, "compliance")
    recorded = page.request.post("/audit/checkpoints",
                                 headers={"X-API-Key": workspace.keys["compliance"]})
    assert recorded.status == 201, recorded.text()
    last = api(page, workspace, "compliance", "/audit/checkpoints")[-1]

    page.goto("/app/audit")

    panel = page.locator("#checkpoint")
    expect(panel).to_contain_text(f"#{last['id']}")
    expect(panel).to_contain_text("by compliance-1")
    expect(panel).to_contain_text(last["digest"])
    check_accessibility(page)


def test_a_trail_for_a_period_downloads_too(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "auditor")
    page.goto("/app/audit")

    page.get_by_label("From (business date)").fill("2026-01-01")
    page.get_by_label("To (business date)").fill("2026-12-31")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Export trail").click()

    assert downloading.value.suggested_filename == "trail-2026-01-01-2026-12-31.zip"


def test_a_trail_the_ledger_refuses_is_explained_on_the_page(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")
    page.goto("/app/audit")

    page.get_by_label("Account number").fill("ACC-00001")
    page.get_by_label("From (business date)").fill("2026-01-01")
    page.get_by_role("button", name="Export trail").click()

    expect(page.get_by_role("alert")).to_contain_text("one account or for a period, not both")
    expect(page.get_by_label("Account number")).to_have_value("ACC-00001")
    check_accessibility(page)


def test_a_verification_posted_without_its_csrf_token_is_refused(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "auditor")

    refused = page.request.post("/app/audit/verify", form={}, max_redirects=0)

    assert refused.status == 403
    assert "csrf-token-required" in refused.text()


def test_a_manager_is_refused_the_audit_page(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "manager")

    response = page.goto("/app/audit")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("may not open Audit")


def test_tab_reaches_the_verify_button_and_the_trail_form(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "compliance")
    page.goto("/app/audit")
    page.locator("#main").focus()

    reached = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"))

    assert {"Verify the ledger now", "trail-account", "trail-from", "trail-to",
            "Export trail"} <= reached
