"""The event registry lists its modules; nothing under ``ledger`` defines an event elsewhere."""

from __future__ import annotations

import importlib
import pkgutil

from eventsourcing.domain import DomainEvent, Snapshot

import ledger
from ledger.event_types import event_classes


def every_event_class_under_ledger() -> set[type]:
    for module in pkgutil.walk_packages(ledger.__path__, "ledger."):
        importlib.import_module(module.name)
    found, pending = set(), [DomainEvent]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("ledger.") and not issubclass(cls, Snapshot):
            found.add(cls)
    return found


def test_every_event_class_of_the_ledger_is_registered() -> None:
    missing = every_event_class_under_ledger() - set(event_classes().values())

    assert not missing, (
        f"event classes in modules missing from ledger.event_types.EVENT_MODULES: "
        f"{sorted(f'{c.__module__}.{c.__qualname__}' for c in missing)}"
    )
