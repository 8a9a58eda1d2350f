"""`colledger task`: create, list, reassign, complete and cancel from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from colledger import rendering
from colledger.main import main
from tests.builders import make_service
from tests.unit.given import an_account


def test_a_task_is_created_listed_reassigned_completed_and_cancelled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    an_account(make_service(url)[0], "ACC-1")
    monkeypatch.setattr(rendering.console, "_width", 200)
    cli = ["--database-url", url, "task"]

    assert main([*cli, "create", "ACC-1", "TSK-1", "--due", "2199-12-30", "--time", "10:00",
                 "--owner", "agent-1", "--note", "call the buyer"]) == 0
    assert main([*cli, "create", "ACC-1", "TSK-2", "--due", "2199-12-31", "--kind", "review",
                 "--actor", "manager-1"]) == 0
    assert main([*cli, "reassign", "ACC-1", "TSK-1", "--owner", "agent-2"]) == 0
    capsys.readouterr()
    assert main([*cli, "list", "--owner", "agent-2", "--format", "json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["task_id"], listed["due_time"], listed["overdue"]) == ("TSK-1", "10:00", False)

    assert main([*cli, "complete", "ACC-1", "TSK-1", "--note", "paying Friday"]) == 0
    assert main([*cli, "cancel", "ACC-1", "TSK-2"]) == 0
    capsys.readouterr()
    assert main([*cli, "list", "--account", "ACC-1"]) == 0
    assert "0 open task(s)" in capsys.readouterr().out
