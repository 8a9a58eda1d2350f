"""The worklist weights as a recorded policy: the file, its versions, and rankings by them.

Two debtors of agent-1: BIG owes 10,000.00 due 31 January (10 days past due on 10
February), OLD owes 100.00 due 1 July 2025 (over 120 days). The built-in weights put the
money first (BIG 100 points, OLD 5); a file that weighs only money over 120 days puts OLD
first, from its effective date on.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.auth_throttle import FailedAuthentications
from colledger.main import main
from infra.worklist_file import EXAMPLE_FILE, WorklistFileInvalid, load_worklist_file
from ledger.aggregates.worklist_policies import WORKLIST_POLICY_ID
from ledger.application import LedgerApplication
from ledger.audit.verification import verify_ledger
from ledger.audit.worklist_policy_records import record_worklist_policy, worklist_policy_history
from ledger.commands.accounts import AssignAgent
from ledger.projections.worklist_policy import DEFAULT_DOCUMENT
from tests.builders import MANAGER, make_ledger
from tests.unit.given import an_account, an_invoice
from tests.unit.test_workspace_session import token_in

EXAMPLE = EXAMPLE_FILE.read_text()
OLD_MONEY_ONLY = EXAMPLE.replace("effective_from = 2000-01-01", "effective_from = 2026-02-10") \
    .replace('overdue_per_unit = ["0", "0.01", "0.02", "0.03", "0.04", "0.05"]',
             'overdue_per_unit = ["0", "0", "0", "0", "0", "10"]')
SECOND_VERSION = EXAMPLE.replace("effective_from = 2000-01-01", "effective_from = 2026-02-20")
"""The built-in weights again, from 20 February: a version of its own (another date)."""


def weights_file(tmp_path: Path, body: str, name: str = "worklist.toml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_the_committed_file_says_what_the_built_in_weights_say() -> None:
    assert load_worklist_file(EXAMPLE_FILE) == DEFAULT_DOCUMENT


@pytest.mark.parametrize(("change", "named"), [
    (('broken_promise = "50"', "broken_promise = 50.5"), r"broken_promise: Input should be a "
                                                          r"valid string"),
    (('"0.02", "0.03"', '"0.02", "lots"'), r"overdue_per_unit\[3\]: String should match"),
    (("edges = [30, 60, 90, 120]", "edges = [30, 90, 60, 120]"), r"edges: Value error, aging "
                                                                 r"edges must be strictly"),
    (("edges = [30, 60, 90, 120]", "edges = [30, 60, 90]"), r"overdue_per_unit needs one "
                                                            r"weight per aging bucket: 5"),
    (("currency_weights = {}", 'currency_weights = { XXY = "1" }'), r"currency_weights: .*XXY"),
    (("overdue_task = ", "overdue_tusk = "), r"overdue_tusk: Extra inputs are not permitted"),
])
def test_a_bad_file_stops_the_start_naming_the_key(
    tmp_path: Path, change: tuple[str, str], named: str
) -> None:
    bad = weights_file(tmp_path, EXAMPLE.replace(*change))

    with pytest.raises(WorklistFileInvalid, match=named):
        make_ledger(worklist_policy_file=bad)


def test_the_cli_refuses_to_start_on_a_bad_weights_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = weights_file(tmp_path, "effective_from = 2026-01-01\npromise_due = 40\n")
    monkeypatch.setenv("COLLEDGER_WORKLIST_POLICY_FILE", str(bad))

    code = main(["--database-url", f"sqlite:///{tmp_path / 'ledger.db'}", "policies"])

    error = capsys.readouterr().err
    assert code == 2 and "Traceback" not in error
    assert "the worklist weights file is refused" in error and "promise_due" in error


def test_a_changed_file_is_recorded_once_however_often_servers_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    make_ledger(url)
    assert worklist_policy_history(make_ledger(url)[0].app)[0] == [], "the built-in is not"
    changed = weights_file(tmp_path, OLD_MONEY_ONLY)

    first, _ = make_ledger(url, worklist_policy_file=changed)
    second, _ = make_ledger(url, worklist_policy_file=changed)
    behind, _ = make_ledger(url, worklist_policy_file=changed)

    recorded, broken = worklist_policy_history(second.app)
    assert broken is None
    assert [(e.version, e.effective_from, e.source) for e in recorded] == [
        (1, date(2026, 2, 10), "worklist.toml")]
    assert [v.version for v in behind.service.policies.worklist.versions()] == [1]
    assert [v.version for v in first.service.policies.worklist.versions()] == [1]


def test_the_version_in_force_is_the_latest_effective_on_the_day(tmp_path: Path) -> None:
    ledger, clock = make_ledger()
    march = load_worklist_file(weights_file(tmp_path, EXAMPLE.replace(
        "effective_from = 2000-01-01", "effective_from = 2026-03-01").replace(
        'promise_due = "40"', 'promise_due = "45"')))
    june = march.model_copy(update={"effective_from": date(2026, 6, 1), "promise_due": "99"})
    assert record_worklist_policy(ledger.app, march, "march.toml", clock()) == 1
    assert record_worklist_policy(ledger.app, june, "june.toml", clock()) == 2
    assert record_worklist_policy(ledger.app, june, "june.toml", clock()) is None

    weights = ledger.read_models.worklist_weights
    assert [(weights(date(*d)).version, weights(date(*d)).document.weights().promise_due)
            for d in ((2026, 2, 28), (2026, 3, 1), (2026, 5, 31), (2026, 6, 1))] == [
        (0, 40), (1, 45), (1, 45), (2, 99)]
    assert verify_ledger(ledger.app).ok


def edit_recorded_version(app: LedgerApplication, stream_version: int) -> None:
    """Change what a recorded version's payload says, as someone with the database might."""
    record = app.events_record
    with app.datastore.transaction(commit=True) as session:
        row = session.query(record).filter(record.originator_id == WORKLIST_POLICY_ID,
                                           record.originator_version == stream_version).one()
        state = json.loads(bytes(row.state))
        state["document"]["overdue_per_unit"][5] = "0"
        session.execute(text("UPDATE ledger_events SET state = :s WHERE id = :id"),
                        {"s": json.dumps(state).encode(), "id": row.id})


def test_an_edited_version_is_found_by_verify(tmp_path: Path) -> None:
    ledger, _ = make_ledger(worklist_policy_file=weights_file(tmp_path, OLD_MONEY_ONLY))
    app = ledger.app
    assert verify_ledger(app).ok

    edit_recorded_version(app, 2)

    assert [(b.account_id, b.kind) for b in verify_ledger(app).breaks] == [
        ("worklist-policy", "digest-mismatch")]  # the last version: nothing later names it


def test_colledger_verify_walks_the_stream_and_finds_an_edited_earlier_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    make_ledger(url, worklist_policy_file=weights_file(tmp_path, OLD_MONEY_ONLY, "v1.toml"))
    later = weights_file(tmp_path, SECOND_VERSION, "v2.toml")
    ledger, _ = make_ledger(url, worklist_policy_file=later)
    monkeypatch.setenv("COLLEDGER_WORKLIST_POLICY_FILE", str(later))
    assert main(["--database-url", url, "verify"]) == 0, capsys.readouterr()
    capsys.readouterr()

    edit_recorded_version(ledger.app, 2)  # version 1, named by version 2's previous_digest

    assert main(["--database-url", url, "verify", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(b["account_id"], b["kind"]) for b in report["breaks"]] == [
        ("worklist-policy", "payload-changed")]
    stream = ledger.app.recorder.select_events(WORKLIST_POLICY_ID)
    assert len(stream) == 3, "created, v1, v2: starting again with v2.toml recorded nothing"


class Served:
    """Two debtors of agent-1 behind the API, ledger started with ``weights``."""

    def __init__(self, tmp_path: Path, weights: str, url: str = "sqlite:///:memory:") -> None:
        ledger, clock = make_ledger(url, worklist_policy_file=weights_file(tmp_path, weights))
        self.ledger, self.clock = ledger, clock
        service = ledger.service
        for number, amount, issued, due in (("BIG", "10000.00", date(2026, 1, 1),
                                             date(2026, 1, 31)),
                                            ("OLD", "100.00", date(2025, 6, 1),
                                             date(2025, 7, 1))):
            an_account(service, number)
            an_invoice(service, "INV-1", amount, issue_date=issued, due_date=due,
                       account=number)
            service.execute(AssignAgent(account=number, agent_id="agent-1"), MANAGER)
        clock.set_day(date(2026, 2, 10))
        self.app = create_app(ledger, follow=False,
                              failed_authentications=FailedAuthentications(limit=1000))
        self.app.state.read_models.catch_up()
        self.client = TestClient(self.app, base_url="http://127.0.0.1")
        self.key = self.app.state.keys.create("manager", "manager-1")[1]

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.client.get(path, params=params, headers={"X-API-Key": self.key})

    def ranked(self, day: str) -> list[tuple[str, str]]:
        response = self.get("/worklists/agent-1", on=day, preview="true")
        assert response.status_code == 200, response.text
        return [(i["account"], i["components"]["overdue"]) for i in response.json()["items"]]


def test_the_worklist_ranks_with_the_weights_in_force_on_its_day(tmp_path: Path) -> None:
    served = Served(tmp_path, OLD_MONEY_ONLY)

    assert served.ranked("2026-02-09") == [("BIG", "100.0000"), ("OLD", "5.0000")]
    assert served.ranked("2026-02-10") == [("OLD", "1000.0000"), ("BIG", "0.0000")]
    assert [served.get("/worklists/agent-1", on=d, preview="true").json()["weights_version"]
            for d in ("2026-02-09", "2026-02-10")] == [0, 1]
    before, on = (served.get("/policies", day=d).json()["worklist_weights"]
                  for d in ("2026-02-09", "2026-02-10"))
    assert (before["version"], before["overdue_per_unit"][5]) == (0, "0.05")
    assert (on["version"], on["effective_from"], on["overdue_per_unit"][5]) == (
        1, "2026-02-10", "10")
    assert on["versions"] == [{"version": 1, "effective_from": "2026-02-10", "in_force": True}]


def test_a_second_version_applies_from_its_date_and_the_days_before_keep_the_first(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    make_ledger(url, worklist_policy_file=weights_file(tmp_path, OLD_MONEY_ONLY, "v1.toml"))
    served = Served(tmp_path, SECOND_VERSION, url)

    assert served.ranked("2026-02-19") == [("OLD", "1000.0000"), ("BIG", "0.0000")]
    assert served.ranked("2026-02-20") == [("BIG", "100.0000"), ("OLD", "5.0000")]
    before, on = (served.get("/policies", day=d).json()["worklist_weights"]
                  for d in ("2026-02-19", "2026-02-20"))
    assert (before["version"], before["effective_from"]) == (1, "2026-02-10")
    assert (on["version"], on["effective_from"], on["overdue_per_unit"][5]) == (
        2, "2026-02-20", "0.05")
    assert [(v["version"], v["in_force"]) for v in on["versions"]] == [(1, False), (2, True)]


def test_a_handed_out_worklist_names_the_version_it_was_ranked_with_even_after_a_later_one(
    tmp_path: Path,
) -> None:
    served = Served(tmp_path, OLD_MONEY_ONLY)
    manager = {"X-API-Key": served.key}
    handed = served.client.post("/worklists/agent-1", params={"on": "2026-02-10"},
                                headers=manager)
    assert handed.status_code == 201, handed.text
    assert handed.json()["weights_version"] == 1
    backdated = load_worklist_file(weights_file(tmp_path, SECOND_VERSION.replace(
        "effective_from = 2026-02-20", "effective_from = 2026-02-01"), "backdated.toml"))
    assert record_worklist_policy(served.ledger.app, backdated, "backdated.toml",
                                  served.clock()) == 2

    read_back = served.get("/worklists/agent-1", on="2026-02-10").json()
    assert (read_back["weights_version"], read_back["items"][0]["account"]) == (1, "OLD")
    assert served.get("/worklists/agent-1", on="2026-02-10",
                      preview="true").json()["weights_version"] == 2


def test_the_built_in_weights_rank_money_first(tmp_path: Path) -> None:
    served = Served(tmp_path, EXAMPLE)

    assert [a for a, _ in served.ranked("2026-02-10")] == ["BIG", "OLD"]


def test_the_audit_page_shows_the_weights_and_their_version(tmp_path: Path) -> None:
    served = Served(tmp_path, OLD_MONEY_ONLY)
    auditor = served.app.state.keys.create("auditor", "auditor-1")[1]
    form = served.client.get("/app/sign-in")
    served.client.post("/app/sign-in", data={"api_key": auditor, "csrf_token": token_in(form)})

    page = served.client.get("/app/audit")

    assert page.status_code == 200
    assert "Worklist weights, version 1, in force from 2026-02-10" in page.text
    assert "<td>0 / 0 / 0 / 0 / 0 / 10</td>" in page.text
