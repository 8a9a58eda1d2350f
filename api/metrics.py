"""Prometheus metrics: request latency, commands by type and outcome, failed authentications,
projection lag.

The metrics live in the process's default registry (with the client's process
metrics), because a process serves one ledger; projection lag is read at scrape
time, so it is never staler than the scrape that reports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time

from fastapi import HTTPException
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client import generate_latest as exposition_of
from pydantic import ValidationError
from sqlalchemy import inspect

from ledger.aggregates.errors import InvalidInput, LedgerError
from ledger.daily_loop.ticked_days import TickedDays
from ledger.projections import tracking
from ledger.projections.read_models import ReadModels

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUEST_SECONDS = Histogram(
    "colledger_http_request_duration_seconds",
    "Time from a request's arrival to its response headers, by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMMANDS = Counter(
    "colledger_commands",
    "Commands received over HTTP, by command type and outcome",
    ["command", "outcome"],
)
FAILED_AUTHENTICATIONS = Counter(
    "colledger_failed_authentications",
    "Requests refused for a wrong API key (wrong_key), or unchecked because their address "
    "sent too many (throttled)",
    ["outcome"],
)
for _outcome in ("wrong_key", "throttled"):
    FAILED_AUTHENTICATIONS.labels(_outcome)  # exposed at 0, so alerts see the series
PROJECTION_LAG = Gauge(
    "colledger_projection_lag_events",
    "Events logged that a read model has not applied yet",
    ["projection"],
)
QUARANTINED_ACCOUNTS = Gauge(
    "colledger_projection_quarantined_accounts",
    "Accounts a read model quarantined: it could not apply one of their events, and "
    "leaves them out of every read (GET /operations/status names them)",
    ["projection"],
)
LAST_DAY_TICKED = Gauge(
    "colledger_portfolio_last_day_ticked",
    "The last day the daily loop ticked for a portfolio, as the Unix time of its midnight UTC",
    ["portfolio"],
)
RELAY_LAG = Gauge(
    "colledger_relay_lag_events",
    "Events logged that the relay has not yet had acknowledged by Kafka, by topic",
    ["topic"],
)


# RFC 9110's methods and PATCH (RFC 5789): a label value per method a client may send
# would let anyone grow the exposition without a key, one made-up method at a time.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "other"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method_label(method), route, str(status)).observe(seconds)


@dataclass
class CommandTally:
    replayed: bool = False


@contextmanager
def counted_command(command: str) -> Iterator[CommandTally]:
    """Count the command once, by how it ended: set ``replayed`` on an idempotent repeat."""
    tally = CommandTally()
    try:
        yield tally
    except Exception as error:
        COMMANDS.labels(command, outcome_of(error)).inc()
        raise
    COMMANDS.labels(command, "replayed" if tally.replayed else "accepted").inc()


def outcome_of(error: Exception) -> str:
    if isinstance(error, HTTPException):
        return "forbidden" if error.status_code == 403 else "refused"
    if isinstance(error, (InvalidInput, ValidationError)):
        return "invalid"
    if isinstance(error, LedgerError):
        return "rejected"
    return "failed"


def relay_positions(models: ReadModels) -> dict[str, int]:
    """Relays keep their position in the event store's database: beside the read models by
    default, and in a split read side there only while Kafka is configured."""
    with models.app.datastore.transaction(commit=False) as session:
        if not inspect(session.connection()).has_table(tracking.projection_tracking.name):
            return {}
        return tracking.positions_named(session, tracking.RELAY_PREFIX)


def scrape(models: ReadModels, ticked: TickedDays | None = None) -> bytes:
    for portfolio, (day, _) in (ticked.last_days() if ticked else {}).items():
        midnight = datetime.combine(day, time(0), UTC)
        LAST_DAY_TICKED.labels(portfolio).set(midnight.timestamp())
    head = models.app.recorder.max_notification_id() or 0
    for state in models.status().projections:
        PROJECTION_LAG.labels(state.name).set(state.lag)
        QUARANTINED_ACCOUNTS.labels(state.name).set(state.quarantined_accounts)
    relays = relay_positions(models)
    for name, position in relays.items():
        RELAY_LAG.labels(name.removeprefix(tracking.RELAY_PREFIX)).set(head - position)
    return exposition_of(REGISTRY)
