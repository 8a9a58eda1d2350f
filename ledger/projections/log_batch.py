"""One batch of the event store's log, applied to projections that quarantine what fails.

Shared by the follower (`runner`), the rebuild and the rebuild of one account: decode
the notifications, hold back the accounts already quarantined, apply the rest
(`isolation.apply_guarded`). A notification that cannot even be decoded quarantines
its account in every projection of the batch, like an event they cannot apply: its
events before it are applied, the ones after it skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from ledger.aggregates.envelope import LedgerEvent
from ledger.application import LedgerApplication
from ledger.projections.isolation import Numbers, apply_guarded, quarantine_of
from ledger.projections.projection import Positioned, Projection, Tables
from ledger.projections.quarantine import QuarantineBook

Undecodable = tuple[Any, Exception]
"""A notification the mapper refused, and its error."""


def decode(app: LedgerApplication, notifications: Sequence[Any]
           ) -> tuple[list[Positioned], list[Undecodable]]:
    batch, refused = [], []
    for notification in notifications:
        try:
            event = app.mapper.to_domain_event(notification)
        except Exception as error:  # noqa: BLE001 - one stored event must not halt the log
            refused.append((notification, error))
            continue
        if isinstance(event, LedgerEvent):
            batch.append(Positioned(notification.id, event))
    return batch, refused


def numbers_in_store(app: LedgerApplication) -> Numbers:
    """An account's number from its first event, the one that opened it."""

    def number_of(_: Any, account_id: str) -> str | None:
        try:
            opened = next(iter(app.events.get(UUID(account_id), limit=1)), None)
        except Exception:  # noqa: BLE001 - the number is a courtesy, the id is the key
            return None
        number = getattr(opened, "number", None)
        return number if isinstance(number, str) else None

    return number_of


def apply_notifications(
    session: Any,
    app: LedgerApplication,
    projections: Sequence[Projection],
    tables: Mapping[str, Tables],
    notifications: Sequence[Any],
    book: QuarantineBook,
) -> list[Positioned]:
    """Apply a batch to each projection in the caller's transaction; return its events."""
    events, refused = decode(app, notifications)
    number_of = numbers_in_store(app)
    first: dict[str, Undecodable] = {}
    for notification, error in refused:
        first.setdefault(str(notification.originator_id), (notification, error))
    before, later = events, Counter[str]()
    if first:
        before = [i for i in events if not _after_refused(i, first)]
        later.update(str(i.event.originator_id) for i in events if _after_refused(i, first))
        later.update(str(n.originator_id) for n, _ in refused)
    for projection in projections:
        apply_guarded(session, projection, tables[projection.name], before, book, number_of)
        for account, (notification, error) in first.items():
            key = (projection.name, account)
            if account in book.accounts(projection.name):
                book.skipped[key] += later[account]
                continue
            book.add(quarantine_of(
                projection.name, account, number_of(session, account), notification.id,
                notification.originator_version, notification.topic.rpartition(":")[2], error,
            ))
            book.skipped[key] += later[account] - 1
    return events


def _after_refused(item: Positioned, first: Mapping[str, Undecodable]) -> bool:
    refused = first.get(str(item.event.originator_id))
    return refused is not None and item.position > refused[0].id
