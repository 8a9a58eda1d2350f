"""`colledger statement-notice send`: a statement of account from the command line, and a refusal
naming its rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from colledger import rendering
from colledger.main import main
from tests.builders import make_service
from tests.unit.given import an_account, an_invoice, events_of


def test_a_statement_is_sent_and_a_refused_one_names_its_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    service = make_service(url)[0]
    an_account(service, "ACC-1", contact={"name": "Jo", "email": "jo@example.com"})
    an_invoice(service, "INV-1", "100.00", due_date=date(2026, 1, 31), account="ACC-1")
    monkeypatch.setattr(rendering.console, "_width", 200)
    cli = ["--database-url", url, "statement-notice", "send", "ACC-1", "--as-of", "2026-02-10"]

    assert main([*cli, "--reason", "asked by phone", "--actor", "manager-1"]) == 0
    assert "statement statement-20260210-1 to ACC-1 by email: 1 open item(s)" in (
        capsys.readouterr().out)
    assert main([*cli, "--channel", "letter", "--reason", "a paper copy"]) == 2
    assert "error [no-address-for-channel]" in capsys.readouterr().err

    (notice,) = events_of(make_service(url)[0], "NoticeSent", "ACC-1")
    assert (notice["actor_id"], notice["actor_role"]) == ("manager-1", "manager")
    assert notice["payload"]["level"] == "statement"
