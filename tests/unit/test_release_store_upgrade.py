"""A store written by an earlier release upgrades, verifies, and answers as it did.

Each file under ``tests/data/stores/`` was written by the release it is named after
(``tests/release_stores.py``: a demo portfolio, one account through every event type,
the ledger-level streams, and its read models), beside what that release answered to a
few reads. The code of today must take such a store as it is: ``colledger init``
upgrades it, every chain verifies, and the reads give the release's answers, both from
the read models the release left (brought up to date) and after a full rebuild; except
where the release was wrong (`STANDING_CORRECTED`), which is checked on its own.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from colledger.main import main
from tests.release_stores import EVERY, READS

STORES = sorted((Path(__file__).parents[1] / "data" / "stores").glob("release-*.db"))


def colledger(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    capsys.readouterr()
    assert main(["--database-url", url, *args]) == 0, capsys.readouterr()
    return capsys.readouterr().out


def answers(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, Any]:
    return {name: json.loads(colledger(capsys, url, *args, "--format", "json"))
            for name, args in READS.items()}


STANDING_CORRECTED = {"version", "head_hash", "agency_id", "legal_referral"}
"""What the release answered wrongly for ACC-EVERY as of 2026-05-31: its account view
showed the account's standing *now* whatever date was asked. It was placed with agency
AGY-1 on 2026-05-10 and recalled on 2026-06-01, and referred to legal on 2026-06-02, so
on 31 May it was with the agency and not with legal; the last of its events dated by
then is version 28 (the recall, the referral and the erasure of 1 July came after).
Erasure alone counts whatever the date: erased personal data is gone for every date."""


def without_corrected(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers, the account view without the standing fields the release got wrong."""
    account = {k: v for k, v in answers["account"].items() if k not in STANDING_CORRECTED}
    account["flags"] = {k: v for k, v in account["flags"].items()
                        if k not in STANDING_CORRECTED}
    return {**answers, "account": account}


def reads(expected: dict[str, Any]) -> dict[str, Any]:
    return without_corrected(
        {name: answer for name, answer in expected.items() if name in READS})


def check_corrected_standing(capsys: pytest.CaptureFixture[str], url: str,
                             account: dict[str, Any]) -> None:
    history = json.loads(colledger(capsys, url, "account", "history", EVERY, "--format",
                                   "json"))
    as_of = {event["version"]: event for event in history
             if event["effective_on"] <= account["as_of"]}
    assert (account["version"], account["head_hash"]) == (28, as_of[28]["hash"])
    assert max(as_of) == 28 and history[-1]["version"] == 31
    assert (account["flags"]["agency_id"], account["flags"]["legal_referral"]) == (
        "AGY-1", False)
    assert account["flags"]["personal_data_erased"] is True and account["contact"] is None


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
    assert verified.startswith("verified: "), verified  # a broken chain exits 1 instead

    colledger(capsys, url, "project")
    found = answers(capsys, url)
    assert without_corrected(found) == reads(expected)
    check_corrected_standing(capsys, url, found["account"])

    colledger(capsys, url, "rebuild")
    found = answers(capsys, url)
    assert without_corrected(found) == reads(expected)
    check_corrected_standing(capsys, url, found["account"])


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
