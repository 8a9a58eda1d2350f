"""Every event class the ledger can store: the classes defined in `EVENT_MODULES`.

Messages name an event by its class name, never its module path (as the hash
does), so moving code changes nothing on the wire. Nested classes (an
aggregate's own ``Created``) are named by their qualified name,
``Checkpoint.Created``, so two aggregates' ``Created`` never collide. The modules
are listed rather than found by walking the package, so importing the registry
imports the events and nothing else; within them, every event class counts, and
a test fails naming any event class defined in a module not listed here.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from eventsourcing.domain import DomainEvent, Snapshot

from ledger.aggregates import (
    access_grants,
    account,
    approval_expiry,
    checkpoints,
    contact_compliance,
    contacts,
    disputes,
    dunning,
    dunning_policies,
    envelope,
    invoices,
    notices,
    payer_accounts,
    payments,
    plans,
    policy_stream,
    promises,
    receipts,
    refunds,
    settlements,
    standing,
    tasks,
    trail_exports,
    worklist_policies,
    writeoffs,
)

EVENT_MODULES: tuple[ModuleType, ...] = (
    envelope, account, invoices, payments, disputes, promises, plans, settlements,
    writeoffs, contacts, dunning, standing, access_grants, checkpoints, trail_exports,
    contact_compliance, policy_stream, dunning_policies,
    approval_expiry,
    tasks,
    notices,
    worklist_policies,
    payer_accounts,
    receipts,
    refunds,
)

NEVER_RECORDED_NAMES = frozenset({"LedgerEvent", "Account.Created", "Account.Event",
                                  "Receipt.Created", "Receipt.Event",
                                  "PolicyVersionRecorded", "PolicyStream.Created",
                                  "PolicyStream.Event"})
"""Bases (of every event, of a policy's versions, of a policy stream), and the library's
default creation and base events of the account and the receipt (created by
``AccountOpened`` and ``ReceiptRecorded``): decodable if they ever appear, but given no
schema."""


def type_name(cls: type) -> str:
    return cls.__name__ if cls.__qualname__ == cls.__name__ else cls.__qualname__


def type_version(cls: type) -> int:
    version = getattr(cls, "class_version", 1)
    return version if isinstance(version, int) and version >= 1 else 1


@cache
def event_classes() -> dict[str, type[DomainEvent]]:
    """Type name -> class, for every domain event class defined in `EVENT_MODULES`."""
    modules = {module.__name__ for module in EVENT_MODULES}
    found: dict[str, type[DomainEvent]] = {}
    pending: list[type[DomainEvent]] = [DomainEvent]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__ not in modules or issubclass(cls, Snapshot):
            continue
        name = type_name(cls)
        other = found.get(name)
        if other is not None and other is not cls:
            raise TypeError(
                f"two event classes are both called {name!r}: "
                f"{other.__module__} and {cls.__module__}; rename one"
            )
        found[name] = cls
    return dict(sorted(found.items()))


def published_classes() -> dict[str, type[DomainEvent]]:
    """The event classes that get a schema: every class that can be recorded."""
    return {n: c for n, c in event_classes().items() if n not in NEVER_RECORDED_NAMES}
