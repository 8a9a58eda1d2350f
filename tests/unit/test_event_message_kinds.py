"""Messages of events that are not account events, and of older type versions.

Colleagues add ledger-level aggregates (checkpoints, export logs) whose events
have no account and no actor; the encoding must publish and read them without
knowing them in advance. The classes here live in the test module, so they are
registered by hand the way discovery registers everything under ``ledger``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

from ledger import event_messages
from ledger.canonical import GENESIS_HASH, event_digest
from ledger.event_messages import UnreadableEvent, event_from_message, event_message
from ledger.event_schemas import event_schema
from ledger.event_types import event_classes
from tests.unit.event_samples import as_stored


class Checkpoint(Aggregate):
    """A ledger-level aggregate of the kind colleagues add: no account, no envelope."""

    def __init__(self, through: int) -> None:
        self.through = through

    class Sealed(Aggregate.Event):
        through: int
        digest_of_log: str
        sealed: tuple[UUID, ...]

    def seal(self, digest_of_log: str, sealed: tuple[UUID, ...]) -> None:
        self.trigger_event(
            self.Sealed, through=self.through, digest_of_log=digest_of_log, sealed=sealed
        )


def test_events_of_other_aggregates_are_published_generically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checkpoint = Checkpoint(through=41)
    checkpoint.seal("ab" * 32, (UUID(int=1), UUID(int=2)))
    monkeypatch.setattr(
        event_messages,
        "event_classes",
        lambda: {
            **event_classes(),
            "Checkpoint.Created": Checkpoint.Created,
            "Checkpoint.Sealed": Checkpoint.Sealed,
        },
    )
    created, sealed = (as_stored(e) for e in checkpoint.collect_events())
    for position, event in ((7, created), (8, sealed)):
        message = event_message(event, position)
        envelope = json.loads(message.value)
        assert message.key == str(checkpoint.id).encode()
        assert envelope["account_id"] is None and envelope["hash"] is None
        assert envelope["actor"] == {"id": None, "role": None}
        assert event_from_message(message.value) == event
    assert json.loads(event_message(sealed, 8).value)["payload"]["sealed"] == [
        str(UUID(int=1)),
        str(UUID(int=2)),
    ]


def test_a_type_this_code_does_not_know_is_refused_not_guessed() -> None:
    checkpoint = Checkpoint(through=1)
    (created,) = checkpoint.collect_events()
    with pytest.raises(UnreadableEvent, match="unknown event type 'Checkpoint.Created'"):
        event_from_message(event_message(created, 1).value)


class ExportLog(Aggregate):
    """Chained like an account (``prev_hash``) but with no digest method of its own."""

    def __init__(self) -> None:
        self.head = GENESIS_HASH

    class Exported(Aggregate.Event):
        file_name: str
        rows: int
        prev_hash: str

        def apply(self, log: Any) -> None:
            log.head = event_digest(
                stream_id=self.originator_id,
                version=self.originator_version,
                event_type="Exported",
                payload={"file_name": self.file_name, "rows": self.rows},
                recorded_at=self.timestamp,
                prev_hash=self.prev_hash,
            )

    def export(self, file_name: str, rows: int) -> None:
        self.trigger_event(self.Exported, file_name=file_name, rows=rows, prev_hash=self.head)


class Noted(Aggregate.Event):
    """Type version 2 added ``priority``; version-1 messages are upcast on reading."""

    class_version = 2
    note: str
    priority: int

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["priority"] = 0


def registered(monkeypatch: pytest.MonkeyPatch, *classes: type[DomainEvent]) -> None:
    extra = {cls.__qualname__: cls for cls in classes}
    monkeypatch.setattr(event_messages, "event_classes", lambda: {**event_classes(), **extra})


def test_a_chained_aggregate_without_a_digest_gets_hashes_that_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered(monkeypatch, ExportLog.Created, ExportLog.Exported)
    log = ExportLog()
    log.export("trail-1.csv", 10)
    log.export("trail-2.csv", 7)
    _, first, second = (as_stored(e) for e in log.collect_events())
    one, two = (json.loads(event_message(e, p).value) for p, e in ((2, first), (3, second)))
    assert one["prev_hash"] == GENESIS_HASH
    assert two["prev_hash"] == one["hash"]
    assert one["account_id"] is None and one["effective_on"] is None
    assert event_from_message(event_message(second, 3).value) == second


def noted_v1_message(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    registered(monkeypatch, Noted)
    event = Noted(
        originator_id=UUID(int=5),
        originator_version=1,
        timestamp=Noted.create_timestamp(),
        note="call back",
        priority=3,
    )
    envelope = json.loads(event_message(event, 1).value)
    assert envelope["type_version"] == 2
    envelope["type_version"] = 1
    del envelope["payload"]["priority"]
    return envelope


def test_an_older_type_version_is_upcast_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    envelope = noted_v1_message(monkeypatch)
    event = event_from_message(json.dumps(envelope).encode())
    assert isinstance(event, Noted)
    assert (event.note, event.priority) == ("call back", 0)


def test_a_newer_type_version_than_this_code_knows_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    envelope = noted_v1_message(monkeypatch)
    envelope["type_version"] = 3
    with pytest.raises(UnreadableEvent, match="Noted version 3: this code knows 1..2"):
        event_from_message(json.dumps(envelope).encode())


def test_the_schema_of_a_new_type_version_is_a_new_document() -> None:
    schema = event_schema(Noted)
    assert schema["$id"] == "urn:colledger:collections.events.v1:Noted:v2"
    assert schema["properties"]["type_version"] == {"const": 2}
    assert schema["properties"]["payload"]["required"] == ["note", "priority"]


class Channel(StrEnum):
    CALL = "call"
    LETTER = "letter"


class Flagged(Aggregate.Event):
    channel: Channel
    level: int


def test_enum_fields_come_back_as_the_store_returns_them(monkeypatch: pytest.MonkeyPatch) -> None:
    registered(monkeypatch, Flagged)
    event = Flagged(
        originator_id=UUID(int=9),
        originator_version=4,
        timestamp=Flagged.create_timestamp(),
        channel=Channel.LETTER,
        level=2,
    )
    message = event_message(event, 12)
    assert json.loads(message.value)["payload"]["channel"] == "letter"
    assert event_from_message(message.value) == as_stored(event)
    assert event_schema(Flagged)["properties"]["payload"]["properties"]["channel"] == {
        "type": "string"
    }
