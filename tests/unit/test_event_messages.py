"""The wire form of events: round trips, stable ids, the hash chain, refusals.

The realistic history is the demo portfolio replayed on SQLite and read back
from the notification log, exactly as the relay reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

import pytest
from eventsourcing.domain import DomainEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.account_numbers import AccountNumbers
from ledger.aggregates.account import account_id_for
from ledger.canonical import GENESIS_HASH
from ledger.event_messages import (
    UnreadableEvent,
    envelope_of,
    event_from_message,
    event_id_of,
    event_message,
)
from ledger.event_types import published_classes
from tests.unit.event_samples import as_stored, demo_log, events_of


def messages() -> list[tuple[DomainEvent, dict[str, Any]]]:
    return [(e, json.loads(event_message(e, p).value)) for p, e in demo_log().positioned]


def test_every_event_of_a_realistic_history_comes_back_equal_to_the_stored_one() -> None:
    seen = set()
    for position, event in demo_log().positioned:
        rebuilt = event_from_message(event_message(event, position).value)
        assert type(rebuilt) is type(event)
        assert rebuilt == event
        assert vars(rebuilt) == vars(event)
        assert {k: type(v) for k, v in vars(rebuilt).items()} == {
            k: type(v) for k, v in vars(event).items()
        }
        seen.add(type(event).__name__)
    assert {"AccountOpened", "InvoiceIssued", "PaymentAllocated", "ContactAttempted"} <= seen
    assert len(seen) >= 20


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_any_event_of_any_type_comes_back_as_the_store_would_return_it(data: st.DataObject) -> None:
    for cls in published_classes().values():
        event = data.draw(events_of(cls), label=cls.__name__)
        position = data.draw(st.integers(1, 2**53))
        assert event_from_message(event_message(event, position).value) == as_stored(event)


def test_the_envelope_names_the_event_its_account_and_its_place() -> None:
    position, opened = demo_log().positioned[0]
    envelope = envelope_of(opened, position)
    number = vars(opened)["number"]
    assert envelope["type"] == "AccountOpened"
    assert envelope["type_version"] == 1
    assert envelope["schema"] == "collections.events.v1"
    assert envelope["account_id"] == envelope["aggregate_id"] == str(account_id_for(number))
    assert envelope["account_number"] == number
    assert envelope["version"] == 1
    assert envelope["position"] == position
    assert envelope["prev_hash"] == GENESIS_HASH
    assert envelope["recorded_at"].endswith("Z")
    assert envelope["actor"] == {"id": opened.actor_id, "role": opened.actor_role}  # type: ignore[attr-defined]
    assert {"effective_on", "actor_id", "command_id", "timestamp"}.isdisjoint(envelope["payload"])
    assert envelope["payload"]["number"] == number


def test_amounts_are_exact_strings_and_no_float_is_ever_written() -> None:
    allocated = [m for _, m in messages() if m["type"] == "PaymentAllocated"]
    assert allocated
    amount = allocated[0]["payload"]["allocations"][0]["amount"]
    assert isinstance(amount, str) and "." in amount

    def no_floats(value: Any) -> bool:
        if isinstance(value, dict):
            return all(no_floats(v) for v in value.values())
        if isinstance(value, list):
            return all(no_floats(v) for v in value)
        return not isinstance(value, float)

    assert all(no_floats(m) for _, m in messages())


def test_key_and_headers_identify_the_account_and_the_event() -> None:
    position, event = demo_log().positioned[5]
    message = event_message(event, position)
    headers = dict(message.headers)
    assert message.key == str(event.originator_id).encode()
    assert headers["event-type"] == type(event).__name__.encode()
    assert (
        headers["event-id"]
        == str(event_id_of(event.originator_id, event.originator_version)).encode()
    )
    assert headers["event-version"] == b"1"
    assert headers["account-version"] == str(event.originator_version).encode()
    assert json.loads(message.value)["event_id"] == headers["event-id"].decode()


def test_publishing_again_yields_the_identical_message_and_ids_are_unique() -> None:
    log = demo_log()
    app = log.service.app
    reread = app.recorder.select_notifications(start=1, limit=1_000_000)
    assert [event_message(app.mapper.to_domain_event(n), n.id) for n in reread] == [
        event_message(e, p) for p, e in log.positioned
    ]
    ids = [m["event_id"] for _, m in messages()]
    assert len(set(ids)) == len(ids)


def test_each_hash_is_the_stored_digest_and_is_the_next_events_prev_hash() -> None:
    streams: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event, message in messages():
        assert message["hash"] == event.digest == event.recomputed_digest()  # type: ignore[attr-defined]
        streams[message["aggregate_id"]].append(message)
    for stream in streams.values():
        assert [m["version"] for m in stream] == list(range(1, len(stream) + 1))
        assert stream[0]["prev_hash"] == GENESIS_HASH
        for before, after in zip(stream, stream[1:], strict=False):
            assert after["prev_hash"] == before["hash"]


def test_a_consumer_recomputes_the_hash_from_the_envelope_alone() -> None:
    """The procedure docs/events.md gives, with nothing but json and hashlib."""
    for _, message in messages():
        payload = dict(message["payload"])
        payload.update(
            effective_on=message["effective_on"],
            actor_id=message["actor"]["id"],
            actor_role=message["actor"]["role"],
            command_id=message["command_id"],
            correlation_id=message["correlation_id"],
        )
        document = {
            "stream_id": message["aggregate_id"],
            "version": message["version"],
            "type": message["type"],
            "payload": payload,
            "recorded_at": message["recorded_at"],
            "prev_hash": message["prev_hash"],
        }
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        assert hashlib.sha256(text.encode("ascii")).hexdigest() == message["hash"]


def test_account_numbers_are_filled_for_every_event_of_an_account() -> None:
    log = demo_log()
    numbers = AccountNumbers(log.service.app)
    for position, event in reversed(log.positioned):
        envelope = envelope_of(event, position, account_number=numbers(event))
        assert envelope["account_id"] == str(account_id_for(envelope["account_number"]))


def good_envelope() -> dict[str, Any]:
    position, event = next(
        (p, e) for p, e in demo_log().positioned if type(e).__name__ == "InvoiceIssued"
    )
    return envelope_of(event, position)


def edited(**changes: Any) -> bytes:
    envelope = good_envelope()
    for path, value in changes.items():
        target = envelope
        *parents, leaf = path.split("__")
        for parent in parents:
            target = target[parent]
        if value is KeyError:
            del target[leaf]
        else:
            target[leaf] = value
    return json.dumps(envelope).encode()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff\xfe", "not a JSON event envelope"),
        (b"{not json", "not a JSON event envelope"),
        (b"[1, 2]", "must be a JSON object"),
        (edited(hash=KeyError), "envelope lacks \\['hash'\\]"),
        (edited(schema="collections.events.v2"), "is not collections.events.v1"),
        (edited(type="InvoiceSomethinged"), "unknown event type"),
        (edited(type_version=2), "this code knows 1..1"),
        (edited(type_version=True), "this code knows"),
        (edited(version="3"), "version must be a int"),
        (edited(payload__amount="ten"), "InvoiceIssued.amount: 'ten' is not a Decimal"),
        (edited(payload__amount="NaN"), "not a finite number"),
        (edited(payload__due_date="31/12/2025"), "is not a date"),
        (edited(payload__due_date=None), "null where date is required"),
        (edited(recorded_at="2025-12-31T10:00:00"), "must carry a UTC offset"),
        (edited(aggregate_id="not-a-uuid"), "is not a UUID"),
        (edited(payload__amount=1), "expected Decimal as a string"),
        (edited(payload__amount=KeyError), "InvoiceIssued is missing \\['amount'\\]"),
    ],
)
def test_malformed_messages_raise_unreadable_event(value: bytes, reason: str) -> None:
    with pytest.raises(UnreadableEvent, match=reason) as raised:
        event_from_message(value)
    assert isinstance(raised.value, ValueError)


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(UnreadableEvent, match="floats are never used"):
        event_from_message(edited(payload__amount=10.5))


def test_payload_fields_a_newer_ledger_added_are_ignored_by_older_code() -> None:
    message = edited(payload__loyalty_tier="gold")
    assert "loyalty_tier" not in vars(event_from_message(message))
