"""Recording a policy's versions on its stream, and reading them back for runs and reviews.

Every recorded policy (the dunning policy, the worklist weights) is kept the same way
(`ledger.aggregates.policy_stream`): `record_version` appends a document as the next
version when it differs from the latest one (two servers loading the same file at once:
the second save fails on the stream's version, is retried, and finds nothing to record);
`StoredVersions` is what the ledger reads, re-read whenever the stream has grown, so a
version another server recorded is the one in force here too; `history` walks the chain
by the rules of every ledger-level chain, for `colledger verify`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any, Generic, Protocol, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates.policy_stream import PolicyStream, PolicyVersionRecorded
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import Break

ATTEMPTS = 3
V = TypeVar("V")


class PolicyDocument(Protocol):
    def as_recorded(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RecordedPolicy(Generic[V]):
    stream: type[PolicyStream]
    name: str
    """The name breaks of its stream are reported under (``dunning-policy``)."""
    label: str
    """How a version is named in a break (``dunning policy`` v3)."""
    version_of: Callable[[Any], V]
    """A recorded event as the version the ledger reads."""
    built_in: object
    """The built-in document: not recorded while nothing else has been."""


def record_version(app: LedgerApplication, policy: RecordedPolicy[Any],
                   document: PolicyDocument, source: str, at: datetime,
                   actor_id: str = "system") -> int | None:
    """Record ``document`` unless it is the version on record already (or, with none
    recorded, the built-in one); the new version's number, else None."""
    for attempt in range(ATTEMPTS):
        try:
            stream = _stream(app, policy, at)
            if stream.version == 1 and document == policy.built_in:
                return None
            if not stream.record(at=at, document=document.as_recorded(), source=source,
                                 actor_id=actor_id):
                return None
            app.save(stream)
            return int(stream.version) - 1
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _stream(app: LedgerApplication, policy: RecordedPolicy[Any], now: datetime) -> PolicyStream:
    try:
        stream: PolicyStream = app.repository.get(policy.stream.STREAM_ID)
    except AggregateNotFoundError:
        stream = policy.stream.start(now)
    return stream


def history(app: LedgerApplication, policy: RecordedPolicy[Any]
            ) -> tuple[list[PolicyVersionRecorded], Break | None]:
    """Every recorded version in order, up to the first break of the chain."""
    return walk_chain(app, policy.stream.STREAM_ID, policy.name, (policy.stream.recorded_event(),),
                      lambda version: f"{policy.label} v{version - 1}")


class StoredVersions(Generic[V]):
    """The recorded versions, re-read when the stream has grown."""

    def __init__(self, app: LedgerApplication, policy: RecordedPolicy[V]) -> None:
        self.app = app
        self.policy = policy
        self._lock = Lock()
        self._known: list[V] = []
        self._head = 0

    def versions(self) -> list[V]:
        stream_id = self.policy.stream.STREAM_ID
        head = self.app.recorder.select_events(stream_id, desc=True, limit=1)
        version = head[0].originator_version if head else 0
        with self._lock:
            if version != self._head:
                events = [self.app.mapper.to_domain_event(stored) for stored in
                          self.app.recorder.select_events(stream_id, gt=self._head)]
                self._known += [self.policy.version_of(e) for e in events
                                if isinstance(e, self.policy.stream.recorded_event())]
                self._head = version
            return list(self._known)
