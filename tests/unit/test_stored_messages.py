"""The relay's messages made from stored rows are byte for byte the messages of the events.

`ledger.stored_messages` skips building the event; whatever it publishes must be what
`event_message` makes of the event the store returns: same key, same value bytes, same
headers. Rows it cannot read that way go the general way, with the same outcome.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import stored_messages
from ledger.account_numbers import AccountNumbers
from ledger.aggregates.digests import DIGEST, MissingDigest
from ledger.event_messages import EventMessage, event_id_of, event_id_text, event_message
from ledger.event_types import published_classes
from ledger.stored_messages import stored_message
from tests.unit.event_samples import demo_log, events_of


def general(stored: StoredEvent, position: int, numbers: AccountNumbers) -> EventMessage:
    """What the relay published before: the decoded event's message."""
    event = demo_log().service.app.mapper.to_domain_event(stored)
    return event_message(event, position, account_number=numbers(event))


def no_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("took the general path")

    monkeypatch.setattr(stored_messages, "event_message", refuse)


def test_every_row_of_a_realistic_log_gives_the_very_bytes_of_its_events_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = demo_log().service.app
    rows = app.notifications_after(0, 1_000_000)
    assert rows == app.recorder.select_notifications(start=1, limit=1_000_000)
    expected = [general(row, row.id, AccountNumbers(app)) for row in rows]
    no_general_path(monkeypatch)
    numbers = AccountNumbers(app)
    made = [stored_message(app.mapper, row, row.id, numbers.number) for row in rows]
    assert made == expected
    assert {json.loads(m.value)["type"] for m in made} >= {
        "AccountOpened", "InvoiceIssued", "PaymentAllocated", "ContactAttempted"}


def test_later_events_of_an_account_name_its_number_also_when_read_from_the_middle() -> None:
    app = demo_log().service.app
    rows = app.notifications_after(len(app.notifications_after(0, 1_000_000)) // 2, 50)
    numbers = AccountNumbers(app)
    for row in rows:
        message = stored_message(app.mapper, row, row.id, numbers.number)
        assert message == general(row, row.id, AccountNumbers(app))
        assert json.loads(message.value)["account_number"]


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_any_stored_event_of_any_type_gives_its_events_message(data: st.DataObject) -> None:
    app = demo_log().service.app
    for cls in published_classes().values():
        event = data.draw(events_of(cls), label=cls.__name__)
        position = data.draw(st.integers(1, 2**53))
        stored = app.mapper.to_stored_event(event)
        numbers = AccountNumbers(app)
        assert stored_message(app.mapper, stored, position, numbers.number) == general(
            stored, position, AccountNumbers(app))


class Note(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text

    class Noted(Aggregate.Event):
        class_version = 2
        text: str
        priority: int

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["priority"] = 0


def rewritten(stored: StoredEvent, change: Any) -> StoredEvent:
    state = json.loads(stored.state)
    change(state)
    return StoredEvent(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=json.dumps(state).encode())


def test_an_older_type_version_is_upcast_the_general_way() -> None:
    app = demo_log().service.app
    event = Note.Noted(originator_id=UUID(int=3), originator_version=2,
                       timestamp=Note.Noted.create_timestamp(), text="call", priority=2)

    def as_v1(state: dict[str, Any]) -> None:
        del state["priority"], state["class_version"]

    stored = rewritten(app.mapper.to_stored_event(event), as_v1)
    message = stored_message(app.mapper, stored, 9, AccountNumbers(app).number)
    assert json.loads(message.value)["payload"]["priority"] == 0
    assert message == general(stored, 9, AccountNumbers(app))


def opened_row() -> StoredEvent:
    app = demo_log().service.app
    return next(r for r in app.notifications_after(0, 100) if r.topic.endswith(":AccountOpened"))


def test_a_chained_event_stored_without_its_digest_fails_as_the_general_path_does() -> None:
    app = demo_log().service.app
    stored = rewritten(opened_row(), lambda state: state.pop(DIGEST))
    with pytest.raises(MissingDigest):
        stored_message(app.mapper, stored, 1, AccountNumbers(app).number)


def outcome(make: Any) -> Any:
    try:
        return make()
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error's kind
        return type(error)


def test_a_value_object_stored_without_one_of_its_fields_fares_as_in_the_general_path() -> None:
    app = demo_log().service.app
    row = next(r for r in app.notifications_after(0, 1_000_000)
               if b'"_type_":"allocation"' in r.state)

    def drop_a_field(value: Any) -> bool:
        if isinstance(value, dict) and value.get("_type_") == "allocation":
            value["_data_"].popitem()
            return True
        children = value.values() if isinstance(value, dict) else value
        return isinstance(value, (dict, list)) and any(drop_a_field(v) for v in children)

    stored = rewritten(row, drop_a_field)
    assert stored.state != row.state
    assert outcome(lambda: stored_message(app.mapper, stored, 5, AccountNumbers(app).number)) \
        == outcome(lambda: general(stored, 5, AccountNumbers(app)))


@given(st.uuids(), st.integers(0, 2**63))
def test_the_event_id_written_as_text_is_the_uuid5_id(aggregate_id: UUID, version: int) -> None:
    assert event_id_text(str(aggregate_id), version) == str(event_id_of(aggregate_id, version))
