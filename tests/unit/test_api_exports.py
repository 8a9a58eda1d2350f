"""CSV and NDJSON exports: chosen by ``format`` or ``Accept``, streamed page by page.

Exports of histories and the audit trail walk the read model in batches; the batch
is made tiny here so that a handful of events already spans several of them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api import history_pages
from ledger.audit.stored_streams import is_account_topic
from tests.unit.api_world import ApiWorld, problem_type


class World(ApiWorld):
    def __init__(self) -> None:
        super().__init__()
        self.mine = self.debtor(agent="agent-1")
        self.theirs = self.debtor(agent="agent-2")
        self.app.state.read_models.catch_up()

    def get(self, path: str, accept: str | None = None, caller: str = "manager",
            **params: Any) -> httpx.Response:
        headers = {"X-API-Key": self.keys[caller], **({"Accept": accept} if accept else {})}
        return self.client.get(path, params=params or None, headers=headers)

    def account_positions(self) -> list[int]:
        """Log positions of account events (the key grants are ledger-level events)."""
        log = self.service.app.recorder.select_notifications(start=1, limit=10_000)
        return [n.id for n in log if is_account_topic(n.topic)]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_pages, "EXPORT_BATCH", 3)


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def ndjson_records(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


def test_accept_text_csv_exports_the_aging_rows_as_csv(world: World) -> None:
    as_json = world.get("/aging", as_of="2026-02-10").json()
    response = world.get("/aging", "text/csv", as_of="2026-02-10")

    rows = csv_rows(response)
    assert response.status_code == 200
    assert len(rows) == len(as_json["rows"]) == 2
    assert list(rows[0]) == ["key", "currency", *as_json["buckets"], "total", "disputed",
                             "unapplied_credit", "invoices"]
    assert {r["key"]: r["total"] for r in rows} == {world.mine: "3500.00",
                                                    world.theirs: "3500.00"}
    assert 'filename="aging-2026-02-10.csv"' in response.headers["content-disposition"]


def test_format_ndjson_exports_every_event_of_an_account_across_batches(world: World) -> None:
    response = world.get(f"/accounts/{world.mine}/history", format="ndjson")

    records = ndjson_records(response)
    assert [r["hash"] for r in records] == [e["hash"] for e in world.history(world.mine)]
    assert records[1]["payload"]["amount"] == "1000.00"


def test_a_history_export_starts_after_the_cursor_and_ignores_the_page_limit(
    world: World,
) -> None:
    response = world.get(f"/accounts/{world.mine}/history", "application/x-ndjson",
                         after_version=1, limit=1)

    assert [r["version"] for r in ndjson_records(response)] == [2, 3, 4]


def test_the_audit_trail_exports_as_csv_with_one_row_per_event(world: World) -> None:
    rows = csv_rows(world.get("/audit/events", "text/csv", caller="auditor"))

    assert [int(r["position"]) for r in rows] == world.account_positions()
    assert json.loads(rows[1]["payload"])["invoice_id"] == "INV-1"


def test_the_audit_trail_exports_as_ndjson_after_a_position(world: World) -> None:
    positions = world.account_positions()
    records = ndjson_records(world.get("/audit/events", format="ndjson",
                                       after_position=positions[1], caller="compliance"))

    assert [r["position"] for r in records] == positions[2:]


def test_statement_lines_export_as_csv_with_their_currency(world: World) -> None:
    rows = csv_rows(world.get(f"/accounts/{world.mine}/statement", format="csv",
                              **{"from": "2026-01-01", "to": "2026-02-10"}))

    assert [(r["currency"], r["document_id"], r["debit"], r["balance"]) for r in rows] == [
        ("USD", "INV-1", "1000.00", "1000.00"), ("USD", "INV-2", "2500.00", "3500.00")
    ]


def test_a_worklist_exports_as_ndjson_with_its_score_components(world: World) -> None:
    response = world.get("/worklists/agent-1", "application/x-ndjson", caller="agent",
                         on="2026-02-10", preview="true")

    records = ndjson_records(response)
    assert [r["account"] for r in records] == [world.mine]
    assert records[0]["rank"] == 1 and records[0]["components"]


def test_format_json_wins_over_an_accept_header_asking_for_csv(world: World) -> None:
    response = world.get("/aging", "text/csv", format="json")

    assert response.headers["content-type"] == "application/json"
    assert "rows" in response.json()


def test_an_export_of_an_unknown_account_is_a_404_problem_not_a_broken_download(
    world: World,
) -> None:
    response = world.get("/accounts/ACC-NOPE/history", "text/csv")

    assert response.status_code == 404
    assert problem_type(response) == "account-not-found"


def test_exports_are_refused_to_roles_that_may_not_read(world: World) -> None:
    response = world.get("/audit/events", "text/csv", caller="service")

    assert response.status_code == 403
