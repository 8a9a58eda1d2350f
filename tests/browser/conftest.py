"""The browser tier: the real server (`colledger serve`, tests/e2e/live_server.py) on a
small demo portfolio, driven by Debian's Chromium through Playwright.

Fixtures: ``workspace`` (the server's address and a key per caller, once a session),
``browser`` (one headless Chromium a session), ``page`` (a fresh context, so fresh cookies,
per test; relative URLs go to the server), ``sign_in`` (``sign_in(page, "manager")``).
Checks: ``tests.browser.axe.check_accessibility(page)`` and
``tests.browser.screenshots.screenshot(page, name)``.

Playwright never downloads a browser here: it is given Debian's ``chromium``
(``make test`` installs it). Without it the tests skip, saying so, except under CI=true,
where a missing browser fails them: CI must not pass by testing nothing.

Time budget: the tier should take well under a minute on two cores (one demo build, one
server, one browser for the session; a page per test); keep it that way as pages arrive.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.e2e.live_server import LiveServer, colledger

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

DEMO_ACCOUNTS, DEMO_MONTHS = "8", "3"
CALLERS: dict[str, tuple[str, str]] = {
    "agent": ("agent", "agent-1"),
    "agent 5": ("agent", "agent-5"),
    "manager": ("manager", "manager-1"),
    "other manager": ("manager", "manager-2"),
    "auditor": ("auditor", "auditor-1"),
    "compliance": ("compliance", "compliance-1"),
    "cashier": ("cashier", "cashier-1"),
}
"""Who signs in, by the name tests use: (role, actor id)."""

SignIn = Callable[[Page, str], None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is of the browser tier (``-m browser`` / ``-m 'not browser'``)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Workspace:
    base_url: str
    keys: dict[str, str]


def chromium_path() -> str:
    """Debian's Chromium; skips (fails under CI=true) when it is not installed."""
    found = shutil.which("chromium")
    if found is None:
        reason = ("Debian's chromium package is not installed (make test installs it "
                  "through the Makefile's system-packages); the browser tests need it")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """`colledger serve` on a small demo portfolio in a temporary SQLite file."""
    folder = tmp_path_factory.mktemp("workspace")
    url = f"sqlite:///{folder / 'ledger.db'}"
    colledger(url, "init")
    colledger(url, "demo", "--accounts", DEMO_ACCOUNTS, "--months", DEMO_MONTHS)
    ledger = bootstrap(Settings(database_url=url))  # keys made here: a CLI start costs seconds
    keys = {name: ledger.keys.create(role, actor)[1] for name, (role, actor) in CALLERS.items()}
    ledger.app.datastore.engine.dispose()
    with LiveServer(url, folder / "server.log") as server:
        yield Workspace(server.base_url, keys)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, workspace: Workspace) -> Iterator[Page]:
    """A page in a context of its own (no cookies from other tests), English, UTC."""
    context = browser.new_context(
        base_url=workspace.base_url, locale="en-US", timezone_id="UTC",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(workspace: Workspace) -> SignIn:
    """``sign_in(page, "manager")`` signs in with that caller's key through the form."""

    def sign_in_as(page: Page, name: str) -> None:
        page.goto("/app/sign-in")
        page.get_by_label("API key").fill(workspace.keys[name])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/app/sign-in" not in url)

    return sign_in_as
