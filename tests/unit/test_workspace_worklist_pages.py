"""The worklist page a hundred rows at a time: which page shows, and what a row reads for
its page only is what it reads for the whole list (FastAPI's TestClient, a demo on SQLite)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.workspace.routers import worklist as worklist_page
from api.workspace.routers.worklist import page_of
from colledger.main import main
from infra.bootstrap import Ledger, bootstrap
from infra.settings import Settings
from ledger.projections.worklist_rows import agent_ids
from tests.unit.test_workspace_session import token_in


def items(count: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(account=f"ACC-{n:05d}") for n in range(count)]


def test_the_page_asked_for_is_shown_within_the_pages() -> None:
    assert page_of(items(250), 2, None) == (2, 3)
    assert page_of(items(250), 9, None) == (3, 3)
    assert page_of(items(250), 0, None) == (1, 3)
    assert page_of([], 1, None) == (1, 1)


def test_coming_back_to_a_row_shows_the_page_that_holds_it() -> None:
    assert page_of(items(250), 1, "ACC-00100") == (2, 3)
    assert page_of(items(250), 3, "ACC-00099") == (1, 3)
    assert page_of(items(250), 3, "ACC-99999") == (3, 3)  # not a row: the page asked for


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('worklist')) / 'ledger.db'}"
    assert main(["--database-url", url, "init"]) == 0
    assert main(["--database-url", url, "demo", "--accounts", "12", "--months", "3"]) == 0
    ledger = bootstrap(Settings(database_url=url))
    ledger.read_models.catch_up()
    yield ledger
    ledger.app.datastore.engine.dispose()


def busiest(ledger: Ledger) -> str:
    """The agent with the most rows today."""
    models = ledger.read_models
    day = models.clock().date()
    agents = models.read(lambda s: agent_ids(s, models.tables("open_items")))
    return max(agents, key=lambda agent: len(models.worklist(agent, day).items))


def test_a_pages_accounts_read_alone_are_what_the_whole_list_reads(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    models, agent = demo.read_models, busiest(demo)
    now = models.clock()
    monkeypatch.setattr(models, "clock", lambda: now)  # a call permitted now is due "now"
    day = now.date()
    everything = models.worklist_accounts(agent, day)
    some = sorted(everything)[::2]

    assert len(everything) >= 2
    assert models.worklist_accounts(agent, day, some) == {k: everything[k] for k in some}


def test_accounts_kept_off_are_read_without_a_next_call(demo: Ledger) -> None:
    models, agent = demo.read_models, busiest(demo)
    day = models.clock().date()
    everything = models.worklist_accounts(agent, day)

    without = models.worklist_accounts(agent, day, list(everything), next_calls=False)

    assert any(a.next_call for a in everything.values())
    assert without == {k: replace(a, next_call=None) for k, a in everything.items()}


def test_the_page_shows_its_rows_and_links_to_the_others(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worklist_page, "ROWS_PER_PAGE", 1)
    agent = busiest(demo)
    app = create_app(demo, follow=False)
    key = demo.keys.create("manager", "manager-pages")[1]
    client = TestClient(app, base_url="http://127.0.0.1")
    client.post("/app/sign-in", data={"api_key": key,
                                      "csrf_token": token_in(client.get("/app/sign-in"))})
    ranked = [i.account for i in demo.read_models.worklist(
        agent, demo.read_models.clock().date()).items]

    assert len(ranked) >= 3
    second = client.get(f"/app/worklist?agent={agent}&page=2")
    coming_back = client.get(f"/app/worklist?agent={agent}&account={ranked[2]}&done=promise")

    assert shown(second.text) == ranked[1:2]
    assert 'rel="prev"' in second.text and f"page 2 of {len(ranked)}" in second.text
    assert shown(coming_back.text) == ranked[2:3]
    assert client.get(f"/app/worklist?agent={agent}&page=x").status_code == 200


def shown(html: str) -> list[str]:
    return re.findall(r'<tbody id="row-([^"]+)" class="row">', html)
