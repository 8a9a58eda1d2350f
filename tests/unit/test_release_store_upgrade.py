"""A store written by an earlier release upgrades, verifies, and answers as it did.

Each file under ``tests/data/stores/`` was written by the release it is named after
(``tests/release_stores.py``: a demo portfolio, one account through every event type,
the ledger-level streams, and its read models), beside what that release answered to a
few reads. The code of today must take such a store as it is: ``colledger init``
upgrades it, every chain verifies, and the reads give the release's answers, both from
the read models the release left (brought up to date) and after a full rebuild.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from colledger.main import main
from tests.release_stores import READS

STORES = sorted((Path(__file__).parents[1] / "data" / "stores").glob("release-*.db"))


def colledger(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    capsys.readouterr()
    assert main(["--database-url", url, *args]) == 0, capsys.readouterr()
    return capsys.readouterr().out


def answers(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, Any]:
    return {name: json.loads(colledger(capsys, url, *args, "--format", "json"))
            for name, args in READS.items()}


def reads(expected: dict[str, Any]) -> dict[str, Any]:
    return {name: answer for name, answer in expected.items() if name in READS}


@pytest.fixture(params=STORES, ids=[store.stem for store in STORES])
def release_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    store: Path = request.param
    copy = tmp_path / store.name
    shutil.copyfile(store, copy)
    expected = json.loads(store.with_suffix(".answers.json").read_text(encoding="utf-8"))
    return f"sqlite:///{copy}", expected


def test_there_is_a_store_of_every_release_that_changed_the_stored_shape() -> None:
    assert STORES, "tests/data/stores/ holds no release store"


def test_a_release_store_upgrades_verifies_and_answers_as_the_release_did(
    capsys: pytest.CaptureFixture[str], release_store: tuple[str, dict[str, Any]]
) -> None:
    url, expected = release_store
    colledger(capsys, url, "init")
    verified = colledger(capsys, url, "verify")
    assert "ok" in verified.lower() or "verified" in verified.lower(), verified

    colledger(capsys, url, "project")
    assert answers(capsys, url) == reads(expected)

    colledger(capsys, url, "rebuild")
    assert answers(capsys, url) == reads(expected)


def test_every_event_type_of_the_release_is_in_its_store(
    release_store: tuple[str, dict[str, Any]],
) -> None:
    """So that the upgrade test above reads every stored shape the release had."""
    url, expected = release_store
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        stored = {topic.rsplit(":", 1)[-1] for (topic,) in db.execute(
            "SELECT DISTINCT topic FROM ledger_events")}
    missing = set(expected["event_types"]) - stored
    assert not missing, f"the release store lacks {sorted(missing)}"
