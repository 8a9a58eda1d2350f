"""Events to publish in tests: a realistic log, and arbitrary events of every type.

`demo_log()` replays a small deterministic demo portfolio through a real ledger
on SQLite (once per test process) and reads the notification log back the way
the relay does. `events_of(cls)` builds any event of a class from its
annotations, and `as_stored(event)` passes it through the store's own mapper,
which is what "equal to the event read from the store" means.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, Union
from uuid import UUID

from eventsourcing.domain import DomainEvent
from hypothesis import strategies as st

from ledger.aggregates.digests import Digested
from ledger.aggregates.errors import LedgerError
from ledger.demo import demo_commands
from ledger.service import LedgerService
from tests.builders import SteppingClock, make_service

DEMO_END = date(2025, 12, 31)


@dataclass(frozen=True)
class DemoLog:
    service: LedgerService
    positioned: list[tuple[int, DomainEvent]]


@cache
def demo_log(accounts: int = 12, months: int = 6) -> DemoLog:
    steps = list(demo_commands(accounts=accounts, months=months, seed=7, end=DEMO_END))
    service, clock = make_service(
        clock=SteppingClock(now=steps[0].recorded_at - timedelta(seconds=1))
    )
    for step in steps:
        clock.now = max(clock.now, step.recorded_at)
        try:
            service.execute(step.command, step.actor)
        except LedgerError:
            pass
    app = service.app
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return DemoLog(service, [(n.id, app.mapper.to_domain_event(n)) for n in notifications])


def as_stored(event: DomainEvent) -> DomainEvent:
    """The event as the store gives it back after writing it."""
    mapper = demo_log().service.app.mapper
    return mapper.to_domain_event(mapper.to_stored_event(event))


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
AMOUNT = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False)
MOMENT = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
HEX64 = st.text("0123456789abcdef", min_size=64, max_size=64)
SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: TEXT,
    bool: st.booleans(),
    int: st.integers(-(2**40), 2**40),
    Decimal: AMOUNT,
    date: st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    datetime: MOMENT,
    UUID: st.uuids(),
    Any: st.one_of(TEXT, st.integers(0, 100), st.lists(TEXT, max_size=2)),
}
SPECIAL: dict[str, st.SearchStrategy[Any]] = {
    "originator_id": st.uuids(),
    "originator_version": st.integers(1, 10**6),
    "prev_hash": HEX64,
    "originator_topic": st.just("ledger.aggregates.account:Account"),
}


def values_of(hint: Any) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None):
        return st.none()
    if origin in (Union, types.UnionType):
        return st.one_of([values_of(a) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (tuple, Sequence, typing.get_origin(Sequence[int])):
        if origin is tuple and args and args[-1] is not Ellipsis:
            return st.tuples(*(values_of(a) for a in args))
        return st.lists(values_of(args[0]), max_size=3).map(tuple)
    if origin is list:
        return st.lists(values_of(args[0]), max_size=3)
    if origin in (dict, Mapping, typing.get_origin(Mapping[str, int])):
        return st.dictionaries(TEXT, values_of(args[1]), max_size=3)
    if hint in SCALARS:
        return SCALARS[hint]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = typing.get_type_hints(hint)
        return st.builds(
            hint, **{f.name: values_of(fields[f.name]) for f in dataclasses.fields(hint)}
        )
    raise TypeError(f"no strategy for {hint!r}: extend tests/unit/event_samples.py")


def events_of(cls: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    """Any event of ``cls``, built the way the library builds one: all annotated fields set,
    and a chained event's digest stored with it, as the ledger records it."""
    hints = typing.get_type_hints(cls)
    fields = {
        f.name: SPECIAL[f.name] if f.name in SPECIAL else values_of(hints[f.name])
        for f in dataclasses.fields(cls)
    }

    def build(state: dict[str, Any]) -> DomainEvent:
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        if isinstance(event, Digested):
            event.seal()
        return event

    return st.fixed_dictionaries(fields).map(build)
