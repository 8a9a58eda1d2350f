"""Kafka stays off unless a bootstrap address is configured, down to not loading kafka-python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from colledger.main import main
from consumers.relay import tracking_name
from tests.builders import make_ledger

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_relays_only_when_a_bootstrap_address_is_configured() -> None:
    assert make_ledger(kafka_bootstrap=None)[0].background() == []
    assert len(make_ledger(kafka_bootstrap="kafka:9092")[0].background()) == 2  # events, notices


def test_the_cli_and_the_api_do_not_load_kafka_python_without_kafka() -> None:
    probe = (
        "import sys\n"
        "from colledger.main import build_parser\n"
        "from api.app import create_app\n"
        "from infra.bootstrap import bootstrap\n"
        "from infra.settings import Settings\n"
        "ledger = bootstrap(Settings(database_url='sqlite:///:memory:', kafka_bootstrap=None))\n"
        "create_app(ledger, background=ledger.background())\n"
        "build_parser().parse_args(['relay', '--once'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kafka', 'consumers')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_colledger_relay_refuses_to_start_without_a_bootstrap_address(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COLLEDGER_KAFKA_BOOTSTRAP", raising=False)
    assert main(["--database-url", "sqlite:///:memory:", "relay", "--once"]) == 2
    assert "COLLEDGER_KAFKA_BOOTSTRAP" in capsys.readouterr().err


def test_the_position_row_is_named_after_the_topic_and_fits_its_column() -> None:
    assert tracking_name("collections.events.v1") == "relay:collections.events.v1"
    assert tracking_name("collections.notices.v1") == "relay:collections.notices.v1"
    with pytest.raises(ValueError, match="too long"):
        tracking_name("t" * 60)
