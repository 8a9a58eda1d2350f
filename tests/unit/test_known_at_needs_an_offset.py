"""A ``known_at`` without a UTC offset names no instant: every read refuses it by one rule,
where the read models used to read it as no filter at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from colledger.main import main as colledger
from ledger.aggregates.errors import KnownAtWithoutOffset
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import make_service
from tests.unit.api_world import ApiWorld, problem_type
from tests.unit.given import an_account

NAIVE = "2026-01-01T00:00:00"
RULE = "known-at-without-offset"
FEBRUARY = (date(2026, 2, 1), date(2026, 2, 10))


@pytest.fixture(scope="module")
def api() -> Iterator[ApiWorld]:
    yield ApiWorld()


@pytest.mark.parametrize("path", [
    "/aging?",
    "/kpis?from=2026-02-01&to=2026-02-10&",
    "/accounts/{number}?",
    "/accounts/{number}/statement?from=2026-02-01&to=2026-02-10&",
])
def test_the_api_answers_a_known_at_without_offset_with_the_rules_problem(
    api: ApiWorld, path: str
) -> None:
    url = path.format(number=api.debtor()) + f"known_at={NAIVE}"

    response = api.client.get(url, headers={"X-API-Key": api.keys["manager"]})

    assert response.status_code == 422, response.text
    assert problem_type(response) == RULE
    assert f"known_at {NAIVE} has no UTC offset" in response.json()["detail"]


READS: dict[str, Callable[[LedgerService, ReadModels, datetime], Any]] = {
    "aging": lambda _, models, at: models.aging(FEBRUARY[1], at),
    "kpis": lambda _, models, at: models.kpis(*FEBRUARY, known_at=at),
    "agent performance": lambda _, models, at: models.agent_performance(*FEBRUARY, known_at=at),
    "statement": lambda _, models, at: models.statement("ACC-1", *FEBRUARY, known_at=at),
    "account view": lambda service, _, at: service.account_as_of("ACC-1", known_at=at),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_every_read_refuses_a_known_at_without_offset_rather_than_ignoring_it(
    service: LedgerService, read: Callable[[LedgerService, ReadModels, datetime], Any]
) -> None:
    an_account(service, "ACC-1")
    models = ReadModels(service.app, contact_policies=service.policies.contact)
    models.catch_up()

    with pytest.raises(KnownAtWithoutOffset, match="has no UTC offset"):
        read(service, models, datetime.fromisoformat(NAIVE))


@pytest.mark.parametrize("command", [
    ["aging", "--known-at", NAIVE],
    ["account", "show", "ACC-1", "--known-at", NAIVE],
])
def test_the_command_line_refuses_it_naming_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    an_account(make_service(url)[0], "ACC-1")

    assert colledger(["--database-url", url, *command]) == 2
    assert f"error [{RULE}]: known_at {NAIVE} has no UTC offset" in capsys.readouterr().err
