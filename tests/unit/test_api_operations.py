"""Operability: liveness, readiness, Prometheus metrics and one JSON log line per request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from api.access_log import JsonFormatter
from api.logging_setup import configure_logging
from ledger.projections import tracking
from tests.unit.api_world import ApiWorld, problem_type

INVOICE = {"invoice_id": "INV-3", "amount": "75.00", "currency": "USD",
           "issue_date": "2026-02-01"}


@pytest.fixture
def world() -> ApiWorld:
    """Read models that do not follow the log: they lag until caught up by hand."""
    return ApiWorld()


def commands_counted(command: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("colledger_commands_total",
                                      {"command": command, "outcome": outcome})
    return value or 0.0


def test_healthz_answers_without_a_key(world: ApiWorld) -> None:
    response = world.client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_the_read_models_have_caught_up(world: ApiWorld) -> None:
    world.debtor()
    world.app.state.read_models.catch_up()

    response = world.client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "position": world.position(), "lag": 0,
                               "max_lag": 1000}


def test_readyz_is_503_naming_the_lag_when_the_read_models_fall_behind(
    world: ApiWorld,
) -> None:
    world.debtor()
    world.app.state.max_projection_lag = 2

    behind = world.client.get("/readyz")
    world.app.state.read_models.catch_up()
    caught_up = world.client.get("/readyz")

    assert behind.status_code == 503
    assert problem_type(behind) == "not-ready"
    assert behind.json()["reason"] == "projection-lag"
    assert behind.json()["lag"] == world.position() > 2
    assert caught_up.status_code == 200


def test_readyz_is_503_when_the_store_does_not_answer(
    world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> int:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(world.service.app.recorder, "max_notification_id", unreachable)

    response = world.client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["reason"] == "store-unreachable"
    assert "Traceback" not in response.text


def test_metrics_count_a_write_by_command_and_outcome_and_time_it_by_route(
    world: ApiWorld,
) -> None:
    number = world.debtor()
    accepted = commands_counted("IssueInvoice", "accepted")
    forbidden = commands_counted("IssueInvoice", "forbidden")

    assert world.post(f"/accounts/{number}/invoices", INVOICE).status_code == 201
    assert world.post(f"/accounts/{number}/invoices", INVOICE, "auditor").status_code == 403
    text = world.client.get("/metrics").text

    assert commands_counted("IssueInvoice", "accepted") == accepted + 1
    assert commands_counted("IssueInvoice", "forbidden") == forbidden + 1
    assert 'colledger_commands_total{command="IssueInvoice",outcome="accepted"}' in text
    assert ('colledger_http_request_duration_seconds_count{method="POST",'
            'route="/accounts/{account}/invoices",status="201"}') in text


def request_series(world: ApiWorld) -> list[str]:
    """The request histogram's lines in the exposition, one per bucket of each series."""
    text = world.client.get("/metrics").text
    return [line for line in text.splitlines()
            if line.startswith("colledger_http_request_duration_seconds")]


def test_made_up_methods_share_one_metrics_label_so_they_cannot_grow_the_exposition(
    world: ApiWorld,
) -> None:
    world.client.request("XWARMUP", "/healthz")
    request_series(world)  # the scrape's own series exists from here on
    before = request_series(world)

    statuses = {world.client.request(f"X{n}ABC", "/healthz").status_code for n in range(25)}
    after = request_series(world)

    assert statuses == {405}
    assert len(after) == len(before)
    assert not [line for line in after if 'method="X' in line]
    assert ('colledger_http_request_duration_seconds_count{method="other",route="/healthz",'
            'status="405"}') in "\n".join(after)


def test_metrics_expose_each_projections_lag(world: ApiWorld) -> None:
    world.debtor()

    response = world.client.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain")
    assert f'colledger_projection_lag_events{{projection="open_items"}} {world.position()}.0' \
        in response.text


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    logger = logging.getLogger("api.access")
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def last_line(lines: io.StringIO) -> dict[str, Any]:
    line: dict[str, Any] = json.loads(lines.getvalue().splitlines()[-1])
    return line


def test_each_request_logs_one_json_line_with_its_correlation_id_and_actor(
    world: ApiWorld, access_lines: io.StringIO
) -> None:
    number = world.debtor()

    world.client.get(f"/accounts/{number}", headers={
        "X-API-Key": world.keys["auditor"], "X-Correlation-Id": "trace-4711"})

    assert len(access_lines.getvalue().splitlines()) == 1
    line = last_line(access_lines)
    assert line["correlation_id"] == "trace-4711"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/accounts/{account}", 200)
    assert (line["actor"], line["role"]) == ("auditor-1", "auditor")
    assert line["path"] == f"/accounts/{number}" and line["duration_ms"] >= 0


def test_a_refused_request_is_logged_without_an_actor(
    world: ApiWorld, access_lines: io.StringIO
) -> None:
    response = world.client.get("/aging")

    line = last_line(access_lines)
    assert line["status"] == 401 and line["actor"] is None
    assert line["correlation_id"] == response.headers["x-correlation-id"]


def test_served_logging_writes_every_logger_as_json_lines() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    lines = io.StringIO()
    try:
        configure_logging(stream=lines)
        logging.getLogger("uvicorn.error").info("Started server process")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)

    line = json.loads(lines.getvalue())
    assert (line["logger"], line["level"], line["message"]) == (
        "uvicorn.error", "INFO", "Started server process")


def test_metrics_expose_the_relays_lag_from_its_position_row(world: ApiWorld) -> None:
    world.debtor()
    app = world.app.state.read_models.app
    with app.datastore.transaction(commit=True) as session:
        tracking.ensure(session, "relay:orders.v1")
        tracking.advance(session, "relay:orders.v1", 0, 1)

    text = world.client.get("/metrics").text

    assert f'colledger_relay_lag_events{{topic="orders.v1"}} {world.position() - 1}.0' in text
